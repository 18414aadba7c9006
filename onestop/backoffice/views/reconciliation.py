"""Back-office reconciliation pages: upload a bank statement, review and resolve differences.
Thin: parse input, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.accounts.decorators import page, staff_required
from onestop.core.errors import DomainError
from onestop.payments import reconciliation as rec
from onestop.payments.models import ReconciliationLine, ReconciliationRun

MAX_UPLOAD = 10 * 1024 * 1024


@staff_required
def run_list(request: HttpRequest) -> HttpResponse:
    if not rec.can_reconcile(request.user):
        raise Http404("Not for this role.")
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None or upload.size is None or upload.size > MAX_UPLOAD:
                raise rec.StatementInvalid([_("Choose a CSV file of at most 10 MB.")])
            run = rec.reconciliation_run(officer=request.user, filename=upload.name or "",
                                         text=upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            errors = [_("The file must be UTF-8 text.")]
        except rec.StatementInvalid as exc:
            errors = [str(exc), *exc.errors]
        except DomainError as exc:
            errors = [str(exc)]
        else:
            return redirect("backoffice:reconciliation_run", pk=run.pk)
    return page(request, "backoffice/payments/reconciliation_list.html", {
        "runs": ReconciliationRun.objects.select_related("uploaded_by")[:50],
        "errors": errors, "columns": ", ".join(rec.COLUMNS), "nav": "payments",
    }, status=422 if errors else 200)


@staff_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not rec.can_reconcile(request.user):
        raise Http404("Not for this role.")
    run = get_object_or_404(ReconciliationRun, pk=pk)
    show = request.GET.get("show", "differences")
    lines = run.lines.select_related("payment", "resolved_by").order_by("id")
    if show == "differences":
        lines = lines.exclude(kind=ReconciliationLine.Kind.MATCHED)
    elif show == "open":
        lines = lines.filter(status=ReconciliationLine.Status.OPEN)
    return page(request, "backoffice/payments/reconciliation_run.html", {
        "run": run, "lines": lines, "show": show,
        "open_count": run.lines.filter(status=ReconciliationLine.Status.OPEN).count(),
        "nav": "payments",
    })


@staff_required
@require_POST
def line_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(ReconciliationLine, pk=pk)
    try:
        rec.reconciliation_line_resolve(line_id=line.pk, officer=request.user,
                                        note=request.POST.get("note", ""))
        messages.success(request, _("Difference marked resolved."))
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("backoffice:reconciliation_run", pk=line.run_id)
