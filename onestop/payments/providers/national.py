"""The national payment platform (Nền tảng thanh toán of the national public service portal).

Off unless ONESTOP_NATIONAL_PAYMENT is set (like the other national links, issue 18).

- Initiation: the payer is redirected to ONESTOP_NATIONAL_PAYMENT_URL with the fields in
  INIT_FIELDS (reference, amount in whole VND, bill and receipt details) and `signature` =
  hex(HMAC-SHA256(ONESTOP_NATIONAL_PAYMENT_SECRET, the INIT_FIELDS values joined by "|")).
  The key comes from settings only, never from the database.
- The payer's return to the portal is never trusted: it only shows "being confirmed".
- Confirmation: the platform POSTs a JSON body server to server to
  /payments/webhooks/national/ with CONFIRM_FIELDS and `signature` over their values joined
  by "|". Settlement (amount and reference checks, exactly once, replay and forgery
  refused and recorded) is the shared onestop.payments.services.notification_receive.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings

from .. import vietqr as codec
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
SUCCESS = "00"
# The order is part of the signature: both sides join the values in exactly this order.
INIT_FIELDS = ("merchant", "reference", "amount", "currency", "bill_code", "bill_info",
               "receipt_name", "return_url")
CONFIRM_FIELDS = ("merchant", "reference", "transaction_id", "amount", "status", "paid_at")


def signing_string(fields: tuple[str, ...], values: Mapping[str, Any]) -> str:
    return "|".join(str(values.get(name, "")) for name in fields)


def sign(fields: tuple[str, ...], values: Mapping[str, Any], *, key: bytes | None = None) -> str:
    return hmac_hex(key or secret(SECRET_SETTING), signing_string(fields, values).encode(),
                    hashlib.sha256)


def signed(fields: tuple[str, ...], values: Mapping[str, Any], *,
           key: bytes | None = None) -> dict[str, str]:
    out = {name: str(values.get(name, "")) for name in fields}
    out["signature"] = sign(fields, out, key=key)
    return out


def verify(fields: tuple[str, ...], values: Mapping[str, Any]) -> bool:
    given = str(values.get("signature", ""))
    return bool(given) and matches(sign(fields, values), given)


def enabled() -> bool:
    return bool(settings.ONESTOP_NATIONAL_PAYMENT)


def initiation(payment: Payment, *, return_url: str = "") -> dict[str, str]:
    """The signed transaction initiation message for a payment."""
    return signed(INIT_FIELDS, {
        "merchant": settings.ONESTOP_NATIONAL_PAYMENT_MERCHANT,
        "reference": payment.reference,
        "amount": int(payment.amount),  # whole đồng: VND has no minor unit
        "currency": "VND",
        "bill_code": payment.reference,
        "bill_info": codec.to_ascii(str(payment.purpose))[:255],
        "receipt_name": codec.to_ascii(str(getattr(payment, "payer_name", "") or ""))[:100],
        "return_url": return_url,
    })


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
        base = str(settings.ONESTOP_NATIONAL_PAYMENT_URL).rstrip("/")
        params = initiation(payment, return_url=return_url)
        return Start(kind="redirect", url=f"{base}/pay?{urlencode(params)}")

    def _body(self, incoming: Incoming) -> dict[str, Any]:
        try:
            data = json.loads(incoming.body or b"{}")
        except ValueError as exc:
            raise Malformed("not JSON") from exc
        if not isinstance(data, dict):
            raise Malformed("not a JSON object")
        return data

    def signature_of(self, incoming: Incoming) -> str:
        try:
            return str(self._body(incoming).get("signature", ""))[:256]
        except Malformed:
            return ""

    def parse_notification(self, incoming: Incoming) -> Notice:
        if not enabled():
            raise BadSignature("the national payment platform is off")
        data = self._body(incoming)
        if not verify(CONFIRM_FIELDS, data):
            raise BadSignature("signature does not match")
        if str(data.get("merchant", "")) != settings.ONESTOP_NATIONAL_PAYMENT_MERCHANT:
            raise Malformed("confirmation for another merchant")
        try:
            reference = str(data["reference"]).strip().upper()
            amount = int(str(data["amount"]))
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
        codes = {
            "forged": (401, "97", "Invalid signature"),
            "malformed": (400, "99", "Invalid request"),
            "refused": (400, "99", "Refused"),
            "unknown": (200, "01", "Reference not found"),
            "duplicate": (200, "02", "Already confirmed"),
            "extra": (200, "02", "Already confirmed"),
            "flagged": (200, "04", "Invalid amount"),
        }
        status, code, message = codes.get(outcome, (200, "00", "Confirmed"))
        return status, {"code": code, "message": message}

    def query(self, payment: Payment) -> Notice | None:
        return None  # the platform confirms by notification; no query in this version


# choosable is read from a setting at each call, so it is a read-only property here.
register(NationalProvider())  # type: ignore[arg-type]
