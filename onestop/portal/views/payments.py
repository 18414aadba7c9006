"""The payment page /thanh-toan/<reference>/ (a payment link: whoever holds the reference),
the way back from the gateway, and the receipts as PDF."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from onestop.billing import selectors as bill_selectors
from onestop.core.errors import DomainError
from onestop.core.formatting import in_words
from onestop.core.qr import qr_svg
from onestop.dossiers.selectors import dossier_of_payment
from onestop.payments import providers, selectors, services
from onestop.payments.banks import bank_name
from onestop.payments.models import Payment, Receipt
from onestop.payments.providers import gateway as gw
from onestop.payments.providers.base import sandbox_enabled

REFRESH_SECONDS = 5



def pay(request: HttpRequest, reference: str) -> HttpResponse:
    """/thanh-toan/<reference>/: amount, QR, account in words, other ways, live status."""
    payment = selectors.payment_of_link(reference)
    if request.method == "POST":
        choice = request.POST.get("provider", "")
        # The page's buttons send the payer elsewhere (the QR needs no button).
        if not (providers.payer_may_choose(choice) and providers.redirects(choice)):
            raise Http404("Unknown way to pay.")
        try:
            payment = services.payment_choose_provider(reference=payment.reference,
                                                       provider=choice)
        except DomainError as exc:
            return _render_pay(request, payment, error=str(exc), status=exc.http_status)
        # The gateway's return carries its signed parameters (checked by gateway_return);
        # the national platform's payer comes back to this page, which only shows the state.
        back = "portal:pay" if choice == "national" else "portal:pay_return"
        return_url = settings.PUBLIC_BASE_URL + reverse(back, args=[payment.reference])
        start = providers.get(choice).start(payment, return_url=return_url)
        return redirect(start.url)
    return _render_pay(request, payment)


def _render_pay(request: HttpRequest, payment: Payment, *, error: str = "",
                status: int = 200, confirming: bool = False) -> HttpResponse:
    qr = None
    if payment.state == Payment.State.PENDING:
        qr = providers.get("vietqr").start(payment).payload
    dossier = dossier_of_payment(payment)
    context = {
        "payment": payment,
        "dossier": dossier,
        "qr_svg": qr_svg(qr, scale=5) if qr else "",
        "qr_payload": qr or "",
        "bank": bank_name(settings.ONESTOP_PAYMENT_BANK_BIN),
        "account": settings.ONESTOP_PAYMENT_ACCOUNT,
        "beneficiary": settings.ONESTOP_PAYMENT_BENEFICIARY,
        "amount_words": in_words(payment.amount),
        # A bill's payee is its biller (the agency only collects on its behalf).
        "bill": None if dossier else bill_selectors.bill_of_payment(payment=payment),
        "receipts": selectors.receipts_of(payment),
        "sandbox_enabled": sandbox_enabled(),
        "national_enabled": providers.payer_may_choose("national"),
        "refresh": REFRESH_SECONDS if payment.state == Payment.State.PENDING or confirming
        else 0,
        "confirming": confirming,
        "error": error,
    }
    response = render(request, "portal/payments/pay.html", context, status=status)
    if context["refresh"]:
        # Auto-refresh without JavaScript: the page follows the payment's state.
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def gateway_return(request: HttpRequest, reference: str) -> HttpResponse:
    """Back from the gateway: the signature is checked, the outcome is NOT trusted.

    Only the server-to-server notification (or a status query) settles; this page says we
    are confirming and refreshes until the payment's own state changes.
    """
    payment = selectors.payment_of_link(reference)
    params = {k: str(v) for k, v in request.GET.items()}
    if not gw.verify_return(params) or params.get("gw_TxnRef", "").upper() != payment.reference:
        return _render_pay(request, payment, error=_("The link back from the payment gateway "
                                                      "is not valid."), status=400)
    return _render_pay(request, payment, confirming=payment.state == Payment.State.PENDING)


def receipt_pdf(request: HttpRequest, reference: str, number: str) -> HttpResponse:
    payment = selectors.payment_of_link(reference)
    receipt = Receipt.objects.filter(payment=payment, number=number).first()
    if receipt is None:
        raise Http404("No such receipt.")
    response = HttpResponse(services.render_receipt_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipt.number}.pdf"'
    return response
