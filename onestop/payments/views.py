"""Citizen payment pages, provider webhooks and the sandbox simulator. Thin surfaces."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from onestop.agencies.selectors import dossier_scope
from onestop.core.errors import DomainError
from onestop.core.qr import qr_svg
from onestop.dossiers.models import Dossier

from . import providers, selectors, services
from .banks import bank_name
from .models import Payment, Receipt, SandboxGatewayTransaction
from .money import digits, in_words
from .providers import gateway as gw
from .providers import sandbox
from .providers.base import Incoming, sandbox_enabled

REFRESH_SECONDS = 5


def _payment_or_404(reference: str) -> Payment:
    payment = selectors.payment_by_reference(reference)
    if payment is None:
        raise Http404("No payment has this reference.")
    return payment


def pay(request: HttpRequest, reference: str) -> HttpResponse:
    """/thanh-toan/<reference>/: amount, QR, account in words, other ways, live status."""
    payment = _payment_or_404(reference)
    if request.method == "POST":
        choice = request.POST.get("provider", "")
        if choice not in ("gateway", "sandbox") or (choice == "sandbox"
                                                     and not sandbox_enabled()):
            raise Http404("Unknown way to pay.")
        try:
            payment = services.payment_choose_provider(reference=payment.reference,
                                                       provider=choice)
        except DomainError as exc:
            return _render_pay(request, payment, error=str(exc), status=exc.http_status)
        return_url = settings.PUBLIC_BASE_URL + reverse("payments:gateway_return",
                                                        args=[payment.reference])
        start = providers.get(choice).start(payment, return_url=return_url)
        return redirect(start.url)
    return _render_pay(request, payment)


def _render_pay(request: HttpRequest, payment: Payment, *, error: str = "",
                status: int = 200, confirming: bool = False) -> HttpResponse:
    qr = None
    if payment.state == Payment.State.PENDING:
        qr = providers.get("vietqr").start(payment).payload
    context = {
        "payment": payment,
        "qr_svg": qr_svg(qr, scale=5) if qr else "",
        "qr_payload": qr or "",
        "bank": bank_name(settings.ONESTOP_PAYMENT_BANK_BIN),
        "account": settings.ONESTOP_PAYMENT_ACCOUNT,
        "beneficiary": settings.ONESTOP_PAYMENT_BENEFICIARY,
        "amount_digits": digits(payment.amount),
        "amount_words": in_words(payment.amount),
        "receipts": selectors.receipts_of(payment),
        "sandbox_enabled": sandbox_enabled(),
        "refresh": REFRESH_SECONDS if payment.state == Payment.State.PENDING or confirming
        else 0,
        "confirming": confirming,
        "error": error,
    }
    response = render(request, "payments/pay.html", context, status=status)
    if context["refresh"]:
        # Auto-refresh without JavaScript: the page follows the payment's state.
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def gateway_return(request: HttpRequest, reference: str) -> HttpResponse:
    """Back from the gateway: the signature is checked, the outcome is NOT trusted.

    Only the server-to-server notification (or a status query) settles; this page says we
    are confirming and refreshes until the payment's own state changes.
    """
    payment = _payment_or_404(reference)
    params = {k: str(v) for k, v in request.GET.items()}
    if not gw.verify_return(params) or params.get("gw_TxnRef", "").upper() != payment.reference:
        return _render_pay(request, payment, error=_("The link back from the payment gateway "
                                                      "is not valid."), status=400)
    return _render_pay(request, payment, confirming=payment.state == Payment.State.PENDING)


def receipt_pdf(request: HttpRequest, reference: str, number: str) -> HttpResponse:
    payment = _payment_or_404(reference)
    receipt = Receipt.objects.filter(payment=payment, number=number).first()
    if receipt is None:
        raise Http404("No such receipt.")
    response = HttpResponse(services.render_receipt_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipt.number}.pdf"'
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """Notifications from banks and gateways: verified, logged, applied exactly once."""
    if provider not in ("vietqr", "gateway"):
        raise Http404("No such provider endpoint.")
    incoming = Incoming(body=request.body, query={k: str(v) for k, v in request.GET.items()},
                        headers={k: v for k, v in request.headers.items()})
    result = services.notification_receive(provider=provider, incoming=incoming)
    return JsonResponse(result.body, status=result.status)


@require_http_methods(["POST"])
def api_create_for_dossier(request: HttpRequest, dossier_id: int) -> JsonResponse:
    """POST with an Idempotency-Key header: the dossier's payment (created once per key).

    For staff of the dossier's agencies and the applicant's own account.
    """
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"error": "authentication required"}, status=401)
    visible = Dossier.objects.filter(dossier_scope(user=user) | _own(user), pk=dossier_id)
    if not visible.exists():
        return JsonResponse({"error": "no such dossier"}, status=404)
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return JsonResponse({"error": "the Idempotency-Key header is required"}, status=400)
    try:
        body = json.loads(request.body or b"{}")
        provider = str(body.get("provider", "vietqr"))
        email = str(body.get("email", ""))
    except (ValueError, AttributeError):
        return JsonResponse({"error": "the body must be a JSON object"}, status=400)
    if provider not in ("vietqr", "gateway") and not (provider == "sandbox"
                                                       and sandbox_enabled()):
        return JsonResponse({"error": "unknown provider"}, status=400)
    try:
        created = services.payment_for_dossier(
            dossier_id=dossier_id, provider=provider, creator=user, idempotency_key=key,
            payer_email=email)
    except DomainError as exc:
        return JsonResponse({"error": str(exc)}, status=exc.http_status)
    p = created.payment
    return JsonResponse({
        "reference": p.reference, "amount": p.amount, "currency": p.currency, "state": p.state,
        "pay_url": settings.PUBLIC_BASE_URL + reverse("payments:pay", args=[p.reference]),
        "vietqr": providers.get("vietqr").start(p).payload,
    }, status=201 if created.created else 200)


def _own(user: Any) -> Any:
    from django.db.models import Q

    return Q(applicant=user)


# ---- SANDBOX ---------------------------------------------------------------------------------

def _sandbox_only() -> None:
    if not sandbox_enabled():
        raise Http404("The sandbox is off.")


SANDBOX_ACTIONS = ("transfer", "partial", "over", "duplicate", "forged", "gateway_ok",
                   "gateway_fail", "gateway_lost_ipn")


def sandbox_pay(request: HttpRequest, reference: str) -> HttpResponse:
    """SANDBOX: pretend to be the payer's bank or the gateway and notify the platform."""
    _sandbox_only()
    payment = _payment_or_404(reference)
    outcome: list[dict[str, Any]] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in SANDBOX_ACTIONS:
            raise Http404("Unknown sandbox action.")
        outcome = _sandbox_run(payment, action)
        payment = _payment_or_404(reference)
    return render(request, "payments/sandbox_pay.html", {
        "payment": payment, "amount_digits": digits(payment.amount), "deliveries": outcome,
        "actions": SANDBOX_ACTIONS,
    })


def _sandbox_run(payment: Payment, action: str) -> list[dict[str, Any]]:
    ref, amount = payment.reference, payment.amount
    sent: list[sandbox.Delivery] = []
    if action == "transfer":
        sent.append(sandbox.send_bank_transfer(reference=ref, amount=amount))
    elif action == "partial":
        sent.append(sandbox.send_bank_transfer(reference=ref, amount=max(1, amount // 2)))
    elif action == "over":
        sent.append(sandbox.send_bank_transfer(reference=ref, amount=amount + 10000))
    elif action == "duplicate":
        txn = sandbox.new_txn_id("FT")
        sent.append(sandbox.send_bank_transfer(reference=ref, amount=amount, txn_id=txn))
        sent.append(sandbox.send_bank_transfer(reference=ref, amount=amount, txn_id=txn))
    elif action == "forged":
        sent.append(sandbox.send_bank_transfer(reference=ref, amount=amount, forged=True))
    else:
        success = action != "gateway_fail"
        txn = sandbox.new_txn_id("GW")
        SandboxGatewayTransaction.objects.create(reference=ref, transaction_no=txn,
                                                 amount=amount, success=success)
        if action != "gateway_lost_ipn":
            sent.append(sandbox.send_gateway_ipn(reference=ref, amount=amount, success=success,
                                                 txn_no=txn))
    return [{"status": d.status, "body": json.dumps(d.body, ensure_ascii=False)} for d in sent]


def sandbox_gateway(request: HttpRequest) -> HttpResponse:
    """SANDBOX gateway: checks the signed request like a real gateway, then 'pays'."""
    _sandbox_only()
    source = request.POST if request.method == "POST" else request.GET
    params = {k: str(v) for k, v in source.items() if k.startswith("gw_")}
    if not gw.verify(params):
        return render(request, "payments/sandbox_gateway.html", {"invalid": True}, status=400)
    payment = _payment_or_404(params.get("gw_TxnRef", ""))
    amount = int(params.get("gw_Amount", "0")) // 100
    if request.method == "POST":
        choice = request.POST.get("choice", "")
        success = choice == "pay"
        txn = sandbox.new_txn_id("GW")
        SandboxGatewayTransaction.objects.create(reference=payment.reference, transaction_no=txn,
                                                 amount=amount, success=success)
        ipn = sandbox.gateway_ipn(reference=payment.reference, amount=amount, success=success,
                                  txn_no=txn)
        if choice != "lose_ipn":
            sandbox.deliver("gateway", query=ipn)
        from urllib.parse import urlencode

        back = params.get("gw_ReturnUrl") or reverse("payments:gateway_return",
                                                     args=[payment.reference])
        return redirect(f"{back}?{urlencode(ipn)}")
    return render(request, "payments/sandbox_gateway.html", {
        "payment": payment, "amount_digits": digits(amount), "params": params,
    })
