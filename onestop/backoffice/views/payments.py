"""Payments in the back office: a dossier's fees, cash, the agency's payments, flagged
payments to decide, refunds to approve. Thin: parse the POST, call one service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.accounts.decorators import page, staff_required
from onestop.core.errors import DomainError, ValidationFailed
from onestop.dossiers import selectors as dossier_selectors
from onestop.dossiers import services as dossier_services
from onestop.payments import selectors, services
from onestop.payments.models import Payment, Refund


def _int(value: str | None) -> int:
    try:
        number = int((value or "").replace(".", "").replace(",", "").strip())
    except ValueError as exc:
        raise ValidationFailed(_("Enter a whole number of đồng.")) from exc
    return number


@staff_required
def dossier_fees(request: HttpRequest, pk: int) -> HttpResponse:
    """Fees of one dossier: items, exemptions, payment link, cash at the counter."""
    dossier = dossier_selectors.dossier_in_scope(user=request.user, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "exempt":
                dossier_services.fee_item_exempt(item_id=_int(request.POST.get("item")),
                                         officer=request.user,
                                         reason=request.POST.get("reason", ""))
                messages.success(request, _("Fee item exempted."))
            elif action == "cash":
                payment = dossier_services.payment_record_cash(
                    dossier_id=dossier.pk, officer=request.user,
                    amount=_int(request.POST.get("amount")),
                    receipt_email=request.POST.get("email", "").strip())
                messages.success(request, _("Cash recorded; receipt %(number)s issued.")
                                 % {"number": payment.receipts.first()})
            elif action == "link":
                created = dossier_services.payment_for_dossier(
                    dossier_id=dossier.pk, creator=request.user,
                    idempotency_key=request.POST.get("idempotency_key", ""))
                return redirect("backoffice:payment", reference=created.payment.reference)
            else:
                raise Http404("Unknown action.")
        except DomainError as exc:
            messages.error(request, str(exc))
        return redirect("backoffice:dossier_fees", pk=dossier.pk)
    items = dossier_selectors.fee_items_of(dossier_id=dossier.pk)
    owed = dossier_services.outstanding(dossier_id=dossier.pk)
    import uuid

    return page(request, "backoffice/payments/dossier_fees.html", {
        "dossier": dossier, "items": items, "owed": owed,
        "payments": dossier_selectors.payments_of_dossier(dossier_id=dossier.pk),
        "open_payment": dossier_selectors.open_payment_for_dossier(dossier_id=dossier.pk),
        "idempotency_key": uuid.uuid4().hex, "nav": "payments",
    })


@staff_required
def payment_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state and state not in Payment.State.values:
        state = ""
    rows = dossier_selectors.with_dossiers(selectors.payments_for(user=request.user, state=state))
    page_obj = Paginator(rows, 50).get_page(request.GET.get("page"))
    return page(request, "backoffice/payments/list.html", {
        "page_obj": page_obj, "state": state, "states": Payment.State.choices,
        "flagged_count": selectors.payments_for(user=request.user,
                                                state=Payment.State.FLAGGED).count(),
        "nav": "payments",
    })


@staff_required
def payment_detail(request: HttpRequest, reference: str) -> HttpResponse:
    payment = selectors.payment_by_reference(reference)
    if payment is None or payment.agency_id not in selectors.staff_agencies(user=request.user):
        raise Http404("No such payment.")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "resolve":
                services.payment_resolve_flagged(
                    reference=payment.reference, officer=request.user,
                    decision=request.POST.get("decision", ""),
                    reason=request.POST.get("reason", ""))
                messages.success(request, _("Decision recorded."))
            elif action == "refund":
                services.refund_request(reference=payment.reference, officer=request.user,
                                        amount=_int(request.POST.get("amount")),
                                        reason=request.POST.get("reason", ""))
                messages.success(request, _("Refund requested; a leader must approve it."))
            elif action in ("receipt_cancel", "receipt_replace"):
                receipt = next((r for r in selectors.receipts_of(payment)
                                if str(r.pk) == request.POST.get("receipt", "")), None)
                if receipt is None:
                    raise Http404("No such receipt of this payment.")
                if action == "receipt_cancel":
                    services.receipt_cancel(receipt_id=receipt.pk, actor=request.user,
                                            reason=request.POST.get("reason", ""))
                    messages.success(request, _("Receipt %(number)s cancelled; it is kept, "
                                                "marked cancelled.") % {"number": receipt.number})
                else:
                    new = services.receipt_replace(
                        receipt_id=receipt.pk, actor=request.user,
                        reason=request.POST.get("reason", ""),
                        payer_name=request.POST.get("payer_name", ""))
                    messages.success(request, _("Receipt %(old)s replaced by %(new)s; both are "
                                                "kept.") % {"old": receipt.number,
                                                            "new": new.number})
            else:
                raise Http404("Unknown action.")
        except DomainError as exc:
            messages.error(request, str(exc))
        return redirect("backoffice:payment", reference=payment.reference)
    return page(request, "backoffice/payments/payment.html", {
        "payment": payment, "dossier": dossier_selectors.dossier_of_payment(payment),
        "receipts": selectors.receipts_of(payment),
        "lines": list(payment.lines.select_related("item")),
        "notifications": list(payment.notifications.order_by("received_at", "id")),
        "refunds": list(payment.refunds.all()),
        "nav": "payments",
    })


@staff_required
def refund_list(request: HttpRequest) -> HttpResponse:
    return page(request, "backoffice/payments/refunds.html", {
        "refunds": list(selectors.refunds_to_decide(user=request.user)), "nav": "payments",
    })


@require_POST
@staff_required
def refund_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    try:
        if action == "approve":
            services.refund_approve(refund_id=pk, leader=request.user,
                                    note=request.POST.get("note", ""))
            messages.success(request, _("Refund approved; its receipt is issued."))
        elif action == "reject":
            services.refund_reject(refund_id=pk, leader=request.user,
                                   note=request.POST.get("note", ""))
            messages.success(request, _("Refund rejected."))
        else:
            raise Http404("Unknown action.")
    except DomainError as exc:
        messages.error(request, str(exc))
    except Refund.DoesNotExist as exc:
        raise Http404("No such refund.") from exc
    return redirect("backoffice:refunds")
