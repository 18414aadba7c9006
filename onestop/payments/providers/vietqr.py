"""VietQR bank transfer: a dynamic QR for the exact amount, and the bank's signed webhook.

The bank (or its notification service) POSTs a JSON body for every credit to the account:
{"transaction_id": "FT26061…", "amount": 120000, "description": "… OS26AB12CD34 …",
"reference": "OS26AB12CD34" (optional), "account": "…", "transaction_time": "…"},
signed with header X-Signature: hex(HMAC-SHA256(secret, raw body)). The reference is read
from `reference` or found in the transfer description (people retype it, banks prefix it).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

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
    sandbox_enabled,
    sandbox_secret,
    secret,
)

if TYPE_CHECKING:
    from ..models import Payment

SIGNATURE_HEADER = "X-Signature"
# Payment references: "OS" + 10 characters of Crockford base 32 (services.new_reference).
REFERENCE_RE = re.compile(r"\bOS[0-9A-HJKMNP-TV-Z]{10}\b")


def sign(body: bytes, *, key: bytes | None = None) -> str:
    return hmac_hex(key or secret("ONESTOP_VIETQR_WEBHOOK_SECRET"), body, hashlib.sha256)


def payload_for(payment: Payment) -> str:
    """The dynamic VietQR payload: exact amount, reference in 62.05, purpose in 62.08."""
    return codec.encode(codec.VietQR(
        bin=settings.ONESTOP_PAYMENT_BANK_BIN, account=settings.ONESTOP_PAYMENT_ACCOUNT,
        amount=payment.amount, reference=payment.reference,
        # The reference goes in the purpose too: many banking apps only pass 62.08 on.
        purpose=codec.fit_purpose(f"{payment.reference} {payment.purpose}"),
    ))


class VietQRProvider:
    name = "vietqr"
    online = True
    choosable = True
    redirects = False  # the payer scans the QR in their own bank app
    notifies = True
    sandbox = False

    def start(self, payment: Payment, *, return_url: str = "") -> Start:
        return Start(kind="qr", payload=payload_for(payment))

    def signature_of(self, incoming: Incoming) -> str:
        return incoming.headers.get(SIGNATURE_HEADER, "")[:256]

    def parse_notification(self, incoming: Incoming) -> Notice:
        given = self.signature_of(incoming)
        sandbox = False
        if not given:
            raise BadSignature("no signature")
        if not matches(sign(incoming.body), given):
            if sandbox_enabled() and matches(sign(incoming.body, key=sandbox_secret()), given):
                sandbox = True
            else:
                raise BadSignature("signature does not match")
        try:
            data = json.loads(incoming.body)
            txn = str(data["transaction_id"]).strip()
            amount = data["amount"]
        except (ValueError, KeyError, TypeError) as exc:
            raise Malformed("not a bank notification") from exc
        if type(amount) is not int or amount <= 0 or not txn:
            raise Malformed("the amount must be a positive whole number of đồng")
        reference = str(data.get("reference") or "").strip().upper()
        if not reference:
            found = REFERENCE_RE.search(str(data.get("description", "")).upper())
            reference = found.group(0) if found else ""
        return Notice(reference=reference, provider_txn_id=txn[:100], amount=amount,
                      success=True, sandbox=sandbox)

    def respond(self, outcome: str) -> tuple[int, dict[str, Any]]:
        if outcome == "forged":
            return 401, {"ok": False, "error": "bad signature"}
        if outcome in ("malformed", "refused"):
            return 400, {"ok": False, "error": outcome}
        # Everything else is acknowledged: the bank must stop retrying; unknown references
        # and differing amounts are for an officer (flagged) or reconciliation, not the bank.
        return 200, {"ok": True, "outcome": outcome}

    def query(self, payment: Payment) -> Notice | None:
        return None  # banks push credits; statements are reconciled separately


register(VietQRProvider())
