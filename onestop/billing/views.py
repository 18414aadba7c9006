"""Bills hub surfaces: the billers' API, the public lookup /hoa-don/, the back-office pages.
Thin: parse input, call one service or selector, render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from onestop.accounts.decorators import page, staff_required
from onestop.core.errors import DomainError
from onestop.payments.money import digits

from . import selectors, services
from .models import Biller

MAX_UPLOAD = 5 * 1024 * 1024


@csrf_exempt
@require_http_methods(["POST"])
def api_bills(request: HttpRequest) -> JsonResponse:
    """POST /billing/api/bills, `Authorization: Bearer <key>`, a JSON list of bills."""
    auth = request.headers.get("Authorization", "")
    key = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
    biller = services.biller_for_key(key)
    if biller is None:
        return JsonResponse({"error": _("A valid API key is required.")}, status=401)
    try:
        records = json.loads(request.body or b"")
    except ValueError:
        records = None
    if not isinstance(records, list):
        return JsonResponse({"error": _("The body must be a JSON list of bills.")}, status=400)
    try:
        result = services.bills_import(biller=biller, records=records, source="api")
    except services.BatchInvalid as exc:
        return JsonResponse({"error": str(exc), "errors": exc.errors}, status=exc.http_status)
    except DomainError as exc:
        return JsonResponse({"error": str(exc)}, status=exc.http_status)
    return JsonResponse({"created": result.created, "updated": result.updated,
                         "unchanged": result.unchanged})


def lookup(request: HttpRequest) -> HttpResponse:
    """/hoa-don/: open bills of a customer code at one biller (no account needed)."""
    biller_code = request.GET.get("biller", "")
    customer = request.GET.get("customer", "").strip()[:40]
    bills = selectors.open_bills(biller_code=biller_code, customer_code=customer) if (
        biller_code and customer) else []
    rows = [{"bill": b, "amount": digits(b.amount), "name": selectors.mask_name(b.customer_name)}
            for b in bills]
    return render(request, "billing/lookup.html", {
        "billers": selectors.active_billers(), "biller_code": biller_code,
        "customer": customer, "rows": rows, "searched": bool(biller_code and customer),
        "kinds": dict(Biller.Kind.choices),
    })


@require_POST
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Start (or reuse) the payment of one bill, then the citizen pay page."""
    try:
        payment = services.bill_payment_start(
            bill_id=pk, customer_code=request.POST.get("customer", ""),
            creator_key=f"session:{request.session.session_key or 'anon'}"[:64])
    except DomainError as exc:
        return render(request, "billing/lookup.html", {
            "billers": selectors.active_billers(), "error": str(exc), "rows": [],
        }, status=exc.http_status)
    return redirect("portal:pay", reference=payment.reference)


@staff_required
def staff_billers(request: HttpRequest) -> HttpResponse:
    return page(request, "billing/staff_billers.html", {
        "billers": selectors.billers_for(user=request.user), "nav": "payments"})


@staff_required
def staff_biller(request: HttpRequest, pk: int) -> HttpResponse:
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
            return redirect("billing:staff_biller", pk=biller.pk)
    return page(request, "billing/staff_biller.html", {
        "biller": biller, "errors": errors, "columns": ", ".join(services.CSV_COLUMNS),
        "bills": selectors.recent_bills(biller=biller)[:100],
        "callbacks": selectors.callbacks_of(biller=biller)[:50], "nav": "payments",
    }, status=422 if errors else 200)
