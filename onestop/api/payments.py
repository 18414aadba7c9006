"""Citizen payments: start a payment for what one's own dossier owes, read its status and QR.

Thin over onestop.dossiers.services.payment_for_dossier and onestop.payments.selectors.
Scope is the portal's: a payment is visible only to the applicant account of its dossier;
anyone else's payment answers 404, exactly like a reference that does not exist. (The web
page /thanh-toan/<reference>/ stays open to whoever holds the reference, as a payment link.)

Idempotency (docs/payments.md): the `Idempotency-Key` header is required; the same key with
the same body returns the same payment (201 the first time, 200 after), the same key with a
different body is refused (422, `idempotency_mismatch`).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Header, Router, Schema
from pydantic import Field

from onestop.core.errors import Conflict, ValidationFailed
from onestop.core.formatting import digits, in_words
from onestop.core.qr import qr_svg_data_uri
from onestop.dossiers.selectors import dossier_of_payment, my_dossier
from onestop.dossiers.services import payment_for_dossier
from onestop.payments import providers
from onestop.payments import selectors as psel
from onestop.payments.banks import bank_name
from onestop.payments.models import Payment, Receipt

from .base import ERRORS, InputSchema, PathId, citizen_auth

router = Router(tags=["payments"], auth=citizen_auth)

# References are "OS" + 10 characters (payments.services.new_reference); anything longer is
# refused before it reaches the database.
Reference = Annotated[str, Field(min_length=1, max_length=40)]
IdempotencyKey = Annotated[str, Field(min_length=1, max_length=100)]


class PaymentIn(InputSchema):
    # The names a client may send (for the OpenAPI schema); whether one is available now
    # (the sandbox only while it is on) is the service's rule, providers.check_payer_choice.
    provider: Literal["vietqr", "gateway", "sandbox"] = "vietqr"
    # Where the receipt goes; the dossier's e-mail address when empty.
    email: Annotated[str, Field(max_length=254)] = ""


class ReceiptOut(Schema):
    number: str
    kind: str
    amount: int
    issued_at: datetime.datetime
    pdf_url: str


class PaymentOut(Schema):
    reference: str
    state: str
    state_label: str
    amount: int
    currency: str
    provider: str
    purpose: str
    dossier_id: int | None
    dossier_code: str | None
    sandbox: bool
    received_amount: int | None
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    settled_at: datetime.datetime | None
    # The first payment receipt once settled (biên lai điện tử), else null.
    receipt_number: str | None
    receipts: list[ReceiptOut]
    # The portal's payment page (QR, gateway, sandbox); `redirect_url` is where the chosen
    # provider starts (the gateway or the sandbox bank), null for a QR transfer.
    pay_url: str
    redirect_url: str | None
    qr_url: str


class BankAccount(Schema):
    bank_bin: str
    bank: str
    account: str
    beneficiary: str


class QrOut(Schema):
    reference: str
    amount: int
    amount_digits: str
    amount_words: str
    payload: str
    image: str  # data:image/svg+xml URI of the QR code
    account: BankAccount
    transfer_content: str
    # The same instructions as one sentence, for people who transfer by hand.
    in_words: str


def _my_payment(user: Any, reference: str) -> Payment:
    payment = psel.payment_by_reference(reference)
    dossier = dossier_of_payment(payment) if payment is not None else None
    if payment is None or dossier is None or dossier.applicant_id != user.pk:
        raise Http404
    return payment


def _out(payment: Payment) -> dict[str, Any]:
    receipts = psel.receipts_of(payment)
    dossier = dossier_of_payment(payment)
    paid = [r for r in receipts if r.kind == Receipt.Kind.PAYMENT]
    redirect_url = None
    if payment.state == Payment.State.PENDING and providers.redirects(payment.provider):
        back = settings.PUBLIC_BASE_URL + reverse("portal:pay_return",
                                                  args=[payment.reference])
        url = providers.get(payment.provider).start(payment, return_url=back).url
        redirect_url = url if url.startswith("http") else settings.PUBLIC_BASE_URL + url
    return {
        "reference": payment.reference, "state": payment.state,
        "state_label": str(payment.get_state_display()), "amount": payment.amount,
        "currency": payment.currency, "provider": payment.provider, "purpose": payment.purpose,
        "dossier_id": dossier.pk if dossier else None,
        "dossier_code": dossier.code if dossier else None,
        "sandbox": payment.sandbox, "received_amount": payment.received_amount,
        "created_at": payment.created_at, "expires_at": payment.expires_at,
        "settled_at": payment.settled_at,
        "receipt_number": paid[0].number if paid and payment.settled_at else None,
        "receipts": [{"number": r.number, "kind": r.kind, "amount": r.amount,
                      "issued_at": r.issued_at,
                      "pdf_url": settings.PUBLIC_BASE_URL + reverse(
                          "portal:receipt_pdf", args=[payment.reference, r.number])}
                     for r in receipts],
        "pay_url": settings.PUBLIC_BASE_URL + reverse("portal:pay", args=[payment.reference]),
        "redirect_url": redirect_url,
        "qr_url": reverse("api-v1:payment_qr", args=[payment.reference]),
    }


@router.post("/dossiers/{dossier_id}/payments", response={200: PaymentOut, 201: PaymentOut,
                                                          **ERRORS},
             summary="Start a payment for what my dossier still owes (Idempotency-Key)")
def start_payment(
    request: HttpRequest, dossier_id: PathId, data: PaymentIn,
    idempotency_key: Annotated[IdempotencyKey, Header(alias="Idempotency-Key")],
) -> tuple[int, dict[str, Any]]:
    dossier = my_dossier(user=request.user, pk=dossier_id)
    if not idempotency_key.strip():
        raise ValidationFailed(_("The Idempotency-Key header is required."))
    created = payment_for_dossier(
        dossier_id=dossier.pk, provider=data.provider, creator=request.user,
        idempotency_key=idempotency_key, payer_email=data.email.strip())
    payment = psel.payment_by_reference(created.payment.reference)
    assert payment is not None
    return (201 if created.created else 200), _out(payment)


@router.get("/payments/{reference}", response={200: PaymentOut, **ERRORS},
            summary="One of my payments: state, amount, provider, receipt")
def payment_status(request: HttpRequest, reference: Reference) -> dict[str, Any]:
    return _out(_my_payment(request.user, reference))


@router.get("/payments/{reference}/qr", response={200: QrOut, **ERRORS},
            url_name="payment_qr",
            summary="The VietQR of a pending payment, and the bank transfer in words")
def payment_qr(request: HttpRequest, reference: Reference) -> dict[str, Any]:
    payment = _my_payment(request.user, reference)
    if payment.state != Payment.State.PENDING:
        raise Conflict(_("This payment is no longer awaiting payment."))
    payload = providers.get("vietqr").start(payment).payload
    bank = bank_name(settings.ONESTOP_PAYMENT_BANK_BIN)
    account = settings.ONESTOP_PAYMENT_ACCOUNT
    beneficiary = settings.ONESTOP_PAYMENT_BENEFICIARY
    amount_digits = digits(payment.amount)
    return {
        "reference": payment.reference, "amount": payment.amount,
        "amount_digits": amount_digits, "amount_words": in_words(payment.amount),
        "payload": payload, "image": qr_svg_data_uri(payload, scale=5),
        "account": {"bank_bin": settings.ONESTOP_PAYMENT_BANK_BIN, "bank": bank,
                    "account": account, "beneficiary": beneficiary},
        "transfer_content": payment.reference,
        "in_words": _(
            "Transfer %(amount)s đồng (%(words)s) to account %(account)s of %(beneficiary)s "
            "at %(bank)s, with the transfer content %(reference)s."
        ) % {"amount": amount_digits, "words": in_words(payment.amount), "account": account,
             "beneficiary": beneficiary, "bank": bank, "reference": payment.reference},
    }
