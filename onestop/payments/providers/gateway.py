"""A redirect payment gateway in the style of Vietnamese gateways (VNPay-like).

- Request: the payer is redirected to the gateway with gw_* query parameters signed by
  gw_SecureHash = hex(HMAC-SHA512(secret, canonical query)), the canonical query being the
  parameters (gw_SecureHash excluded) sorted by name and URL-encoded. Amounts are sent ×100,
  as these gateways do, and must come back divisible by 100.
- Return URL: the gateway sends the payer back with signed parameters. We verify them but
  never settle on them: the page only says the payment is being confirmed.
- IPN: the gateway calls us server to server with the same signed parameters; this decides.
- Query: for payments still pending, we ask the gateway (a periodic task); the answer is
  signed too. With no ONESTOP_GATEWAY_URL the sandbox gateway answers in-process.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus, urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

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

HASH = "gw_SecureHash"
VERSION = "2.1.0"
SUCCESS = "00"
VN_TZ = datetime.timezone(datetime.timedelta(hours=7))


def canonical(params: Mapping[str, str]) -> str:
    return "&".join(
        f"{key}={quote_plus(str(params[key]))}" for key in sorted(params) if key != HASH
        and key.startswith("gw_")
    )


def sign(params: Mapping[str, str], *, key: bytes | None = None) -> str:
    return hmac_hex(key or secret("ONESTOP_GATEWAY_SECRET"), canonical(params).encode(),
                    hashlib.sha512)


def signed(params: Mapping[str, str], *, key: bytes | None = None) -> dict[str, str]:
    out = {k: str(v) for k, v in params.items()}
    out[HASH] = sign(out, key=key)
    return out


def verify(params: Mapping[str, str]) -> bool:
    """True for the real key, 'sandbox' semantics handled by `verify_with_sandbox`."""
    return matches(sign(params), params.get(HASH, ""))


def verify_with_sandbox(params: Mapping[str, str]) -> bool | None:
    """True: real key; False: sandbox key (sandbox on); None: neither (forged)."""
    given = params.get(HASH, "")
    if not given:
        return None
    if matches(sign(params), given):
        return True
    if sandbox_enabled() and matches(sign(params, key=sandbox_secret()), given):
        return False
    return None


def gateway_url() -> str:
    if settings.ONESTOP_GATEWAY_URL:
        return str(settings.ONESTOP_GATEWAY_URL)
    return settings.PUBLIC_BASE_URL + reverse("sandbox:gateway")


def stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def notice_from(params: Mapping[str, str], *, sandbox: bool) -> Notice:
    try:
        reference = params["gw_TxnRef"].strip().upper()
        raw_amount = int(params["gw_Amount"])
        txn = params.get("gw_TransactionNo", "").strip()
        code = params["gw_ResponseCode"]
    except (KeyError, ValueError) as exc:
        raise Malformed("missing or bad gateway field") from exc
    if raw_amount <= 0 or raw_amount % 100:
        raise Malformed("the amount must be whole đồng (×100)")
    status = params.get("gw_TransactionStatus", code)
    success = code == SUCCESS and status == SUCCESS
    if success and not txn:
        raise Malformed("a successful payment carries the gateway's transaction number")
    return Notice(reference=reference, provider_txn_id=txn[:100], amount=raw_amount // 100,
                  success=success, sandbox=sandbox)


class GatewayProvider:
    name = "gateway"
    online = True
    choosable = True
    redirects = True
    notifies = True
    sandbox = False

    def start(self, payment: Payment, *, return_url: str = "") -> Start:
        now = timezone.now()
        params = signed({
            "gw_Version": VERSION, "gw_Command": "pay",
            "gw_TmnCode": settings.ONESTOP_GATEWAY_MERCHANT,
            "gw_Amount": str(payment.amount * 100), "gw_CurrCode": "VND",
            "gw_TxnRef": payment.reference,
            "gw_OrderInfo": codec.to_ascii(f"{payment.reference} {payment.purpose}")[:255],
            "gw_ReturnUrl": return_url, "gw_Locale": "vn", "gw_CreateDate": stamp(now),
            "gw_ExpireDate": stamp(payment.expires_at or now + datetime.timedelta(minutes=15)),
        })
        return Start(kind="redirect", url=f"{gateway_url()}?{urlencode(params)}")

    def signature_of(self, incoming: Incoming) -> str:
        return str(incoming.query.get(HASH, ""))[:256]

    def parse_notification(self, incoming: Incoming) -> Notice:
        params = dict(incoming.query)
        real = verify_with_sandbox(params)
        if real is None:
            raise BadSignature("signature does not match")
        if params.get("gw_TmnCode") != settings.ONESTOP_GATEWAY_MERCHANT:
            raise Malformed("notification for another merchant")
        return notice_from(params, sandbox=not real)

    def respond(self, outcome: str) -> tuple[int, dict[str, Any]]:
        # The gateway's IPN protocol: RspCode 00 means "stop retrying".
        codes = {
            "forged": (401, "97", "Invalid signature"),
            "malformed": (400, "99", "Invalid request"),
            "refused": (400, "99", "Sandbox disabled"),
            "unknown": (200, "01", "Order not found"),
            "duplicate": (200, "02", "Order already confirmed"),
            "extra": (200, "02", "Order already confirmed"),
            "flagged": (200, "04", "Invalid amount"),
        }
        status, code, message = codes.get(outcome, (200, "00", "Confirm Success"))
        return status, {"RspCode": code, "Message": message}

    def query(self, payment: Payment) -> Notice | None:
        """Ask the gateway about a pending payment; a verified answer or None if unknown."""
        params = signed({
            "gw_Version": VERSION, "gw_Command": "querydr",
            "gw_TmnCode": settings.ONESTOP_GATEWAY_MERCHANT, "gw_TxnRef": payment.reference,
            "gw_CreateDate": stamp(timezone.now()),
        })
        if settings.ONESTOP_GATEWAY_URL:
            request = urllib.request.Request(
                settings.ONESTOP_GATEWAY_URL.rstrip("/") + "/querydr",
                data=json.dumps(params).encode(), method="POST",
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                answer = json.loads(response.read())
        elif sandbox_enabled():
            from .sandbox import gateway_query_answer

            answer = gateway_query_answer(params)
        else:
            return None
        real = verify_with_sandbox(answer)
        if real is None:
            raise BadSignature("the gateway's answer is not signed")
        if answer.get("gw_ResponseCode") == "91":  # no such transaction at the gateway
            return None
        return notice_from(answer, sandbox=not real)


def verify_return(params: Mapping[str, str]) -> bool:
    """The return URL's signature (real or sandbox key); its outcome is never trusted."""
    return verify_with_sandbox(params) is not None


register(GatewayProvider())
