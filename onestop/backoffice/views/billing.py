"""Billers in the back office: the list, and one biller (CSV upload of bills, recent bills,
callbacks and their delivery)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from onestop.accounts.decorators import area_required, page
from onestop.billing import selectors, services
from onestop.billing.models import Biller
from onestop.core.errors import DomainError

MAX_UPLOAD = 5 * 1024 * 1024


@area_required("billing")
def biller_list(request: HttpRequest) -> HttpResponse:
    return page(request, "backoffice/billing/billers.html", {
        "billers": selectors.billers_for(user=request.user), "nav": "payments"})


@area_required("billing")
def biller_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One biller: upload a CSV of bills, recent bills, callbacks and their delivery."""
    biller = get_object_or_404(Biller, pk=pk)
    if not services.can_manage(request.user, biller):
        raise Http404("No such biller.")
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None or upload.size is None or upload.size > MAX_UPLOAD:
                raise services.BatchInvalid([_("Choose a CSV file of at most 5 MB.")])
            text = upload.read().decode("utf-8-sig")
            result = services.bills_import_csv(biller_id=biller.pk, officer=request.user,
                                               text=text)
        except UnicodeDecodeError:
            errors = [_("The file must be UTF-8 text.")]
        except services.BatchInvalid as exc:
            errors = [str(exc), *exc.errors]
        except DomainError as exc:
            errors = [str(exc)]
        else:
            messages.success(request, _("Bills imported: %(created)s new, %(updated)s updated, "
                                        "%(unchanged)s unchanged.") % result.__dict__)
            return redirect("backoffice:biller", pk=biller.pk)
    return page(request, "backoffice/billing/biller.html", {
        "biller": biller, "errors": errors, "columns": ", ".join(services.CSV_COLUMNS),
        "bills": selectors.recent_bills(biller=biller)[:100],
        "callbacks": selectors.callbacks_of(biller=biller)[:50], "nav": "payments",
    }, status=422 if errors else 200)
