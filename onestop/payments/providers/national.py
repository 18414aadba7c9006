"""The national payment platform (Nền tảng thanh toán of the national public service portal).

A provider beside VietQR and the gateway, off unless ONESTOP_NATIONAL_PAYMENT is set (each
national link is behind a setting, issue 18). Every message is signed the same way:
`signature` = hex(HMAC-SHA256(ONESTOP_NATIONAL_PAYMENT_SECRET, the values of the message's
fields joined by "|" in the fixed order below)). The key is a setting, never the database.

- Initiation (INIT_FIELDS): the payer is redirected to ONESTOP_NATIONAL_PAYMENT_URL/pay with
  the reference, the amount in whole đồng, the bill and receipt details (dossier code, payer
  name, the fee lines as compact JSON) and the return URL.
- The payer's return is never trusted: it lands on the payment page, which shows the state.
- Confirmation (CONFIRM_FIELDS): the platform POSTs JSON server to server to
  /payments/webhooks/national/. The shared onestop.payments.services.notification_receive
  verifies, checks reference and amount, settles exactly once and records every notification
  (PaymentNotification); what it decided is answered here, refusals with a 4xx and a reason.
- Look-up (LOOKUP_FIELDS): the platform asks what a dossier owes (onestop/national/
  payment_lookup.py), signed the same way; the answer is signed with ANSWER_FIELDS.

The field names are this project's own schema (the platform's specification is not public):
a real connection maps them to the names the operator gives (docs/national.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from .. import hooks
from .base import (
    BadSignature,
    Incoming,
    Malformed,
    Notice,
    Start,
    hmac_hex,
    matches,
    register,
    secret,
)

if TYPE_CHECKING:
    from ..models import Payment

SECRET_SETTING = "ONESTOP_NATIONAL_PAYMENT_SECRET"
SIGNATURE = "signature"
SUCCESS = "00"
# The order is part of the signature: both sides join the values in exactly this order.
INIT_FIELDS = ("merchant", "reference", "amount", "currency", "dossier_code", "payer_name",
               "fee_lines", "description", "return_url", "created_at")
CONFIRM_FIELDS = ("merchant", "reference", "transaction_id", "amount", "status", "paid_at")
LOOKUP_FIELDS = ("merchant", "dossier_code", "timestamp")
ANSWER_FIELDS = ("merchant", "dossier_code", "total", "currency", "fee_lines")


def signing_string(fields: Sequence[str], values: Mapping[str, Any]) -> str:
    return "|".join(str(values.get(name, "")) for name in fields)


def sign(fields: Sequence[str], values: Mapping[str, Any], *, key: bytes | None = None) -> str:
    return hmac_hex(key or secret(SECRET_SETTING), signing_string(fields, values).encode(),
                    hashlib.sha256)


def signed(fields: Sequence[str], values: Mapping[str, Any], *,
           key: bytes | None = None) -> dict[str, str]:
    out = {name: str(values.get(name, "")) for name in fields}
    out[SIGNATURE] = sign(fields, out, key=key)
    return out


def verify(fields: Sequence[str], values: Mapping[str, Any]) -> bool:
    given = values.get(SIGNATURE)
    return isinstance(given, str) and bool(given) and matches(sign(fields, values), given)


def enabled() -> bool:
    return bool(settings.ONESTOP_NATIONAL_PAYMENT)


def fee_lines_json(lines: Sequence[Mapping[str, Any]]) -> str:
    """Fee lines as they are signed: compact JSON, names as written (UTF-8, not escaped)."""
    return json.dumps([{"name": str(line["name"]), "amount": int(line["amount"])}
                       for line in lines], ensure_ascii=False, separators=(",", ":"))


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d%H%M%S")


def initiation(payment: Payment, *, return_url: str = "") -> dict[str, str]:
    """The signed transaction initiation message for a payment."""
    subject = hooks.subject_of(payment)
    lines = [{"name": line.item.name, "amount": line.amount}
             for line in payment.lines.select_related("item").order_by("id")]
    return signed(INIT_FIELDS, {
        "merchant": settings.ONESTOP_NATIONAL_PAYMENT_MERCHANT,
        "reference": payment.reference,
        "amount": int(payment.amount),  # whole đồng: VND has no minor unit
        "currency": "VND",
        "dossier_code": subject.code if subject else "",
        "payer_name": payment.payer_name,
        "fee_lines": fee_lines_json(lines),
        "description": payment.purpose,
        "return_url": return_url,
        "created_at": stamp(),
    })


def platform_url() -> str:
    return str(settings.ONESTOP_NATIONAL_PAYMENT_URL).rstrip("/")


def json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"null")
    except ValueError as exc:
        raise Malformed("not JSON") from exc
    if not isinstance(data, dict):
        raise Malformed("not a JSON object")
    return data


class NationalProvider:
    name = "national"
    online = True
    redirects = True
    notifies = True
    sandbox = False

    @property
    def choosable(self) -> bool:
        return enabled()

    def start(self, payment: Payment, *, return_url: str = "") -> Start:
        params = initiation(payment, return_url=return_url)
        return Start(kind="redirect", url=f"{platform_url()}/pay?{urlencode(params)}")

    def signature_of(self, incoming: Incoming) -> str:
        try:
            return str(json_object(incoming.body).get(SIGNATURE, ""))[:256]
        except Malformed:
            return ""

    def parse_notification(self, incoming: Incoming) -> Notice:
        if not enabled():
            raise BadSignature("the national payment platform is off")
        try:
            data = json_object(incoming.body)
        except Malformed as exc:
            raise BadSignature("not a signed JSON object") from exc
        if not verify(CONFIRM_FIELDS, data):
            raise BadSignature("signature does not match")
        if str(data.get("merchant", "")) != settings.ONESTOP_NATIONAL_PAYMENT_MERCHANT:
            raise Malformed("confirmation for another merchant")
        try:
            reference = str(data["reference"]).strip().upper()
            amount = int(str(data["amount"]))  # a whole number of đồng, never "5000.5"
            txn = str(data.get("transaction_id", "")).strip()
        except (KeyError, ValueError) as exc:
            raise Malformed("missing or bad field") from exc
        if amount <= 0:
            raise Malformed("the amount must be a positive whole number of đồng")
        success = str(data.get("status", "")) == SUCCESS
        if success and not txn:
            raise Malformed("a successful payment carries the platform's transaction id")
        return Notice(reference=reference, provider_txn_id=txn[:100], amount=amount,
                      success=success)

    def respond(self, outcome: str) -> tuple[int, dict[str, Any]]:
        # What the platform is told; a refusal says why, and 4xx tells it not to count the
        # confirmation as accepted (the settlement service has recorded it either way).
        codes = {
            "forged": (401, "97", "Invalid signature"),
            "malformed": (400, "99", "Invalid request"),
            "refused": (400, "99", "Refused"),
            "unknown": (404, "01", "Unknown reference"),
            "duplicate": (409, "02", "Already confirmed (replay refused)"),
            "extra": (200, "03", "Payment already settled otherwise: recorded for a refund"),
            "flagged": (422, "04", "Amount does not match the payment"),
            "stale": (409, "05", "Payment no longer pending"),
            # A cancelled or failed payment is received as well as a paid one (00): the
            # message says what was recorded, not "Confirmed".
            "failed": (200, "00", "Failure recorded: the payment is marked failed"),
        }
        status, code, message = codes.get(outcome, (200, "00", "Confirmed"))
        return status, {"code": code, "message": message, "outcome": outcome}

    def query(self, payment: Payment) -> Notice | None:
        return None  # the platform confirms by notification; no status query in this version


register(NationalProvider())
