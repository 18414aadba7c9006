"""SANDBOX: a local bank and gateway simulator for demos and tests. Never on in production.

It sends REAL signed notifications (the bank's JSON webhook, the gateway's IPN) to the
platform's own webhook endpoints, signed with the sandbox key (ONESTOP_PAYMENT_SANDBOX_SECRET),
which the endpoints accept only while ONESTOP_PAYMENT_SANDBOX is on; a payment settled that
way is marked sandbox and its receipt says so.

Delivery: by default the signed request is built with Django's RequestFactory and handed to
the webhook view function itself, so it goes through exactly the code path of a bank's call
(signature check, logging, settling) without needing the server to reach its own public URL
(which a demo behind NAT or a test cannot). With ONESTOP_PAYMENT_SANDBOX_HTTP on, it is
POSTed over HTTP to settings.PUBLIC_BASE_URL instead.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import resolve, reverse
from django.utils import timezone

from . import gateway, vietqr
from .base import Incoming, Malformed, Notice, Start, register, sandbox_secret

if TYPE_CHECKING:
    from ..models import Payment


@dataclass(frozen=True)
class Delivery:
    status: int
    body: dict[str, Any]


def new_txn_id(prefix: str = "SBX") -> str:
    return f"{prefix}{timezone.now():%y%m%d}{secrets.token_hex(5).upper()}"


def bank_notification(*, reference: str, amount: int, txn_id: str | None = None,
                      forged: bool = False, in_description: bool = False) -> tuple[bytes, str]:
    """The bank's credit notification for a transfer quoting `reference`, signed."""
    data: dict[str, Any] = {
        "transaction_id": txn_id or new_txn_id("FT"),
        "amount": amount,
        "account": settings.ONESTOP_PAYMENT_ACCOUNT,
        "transaction_time": timezone.now().isoformat(timespec="seconds"),
        "description": f"SANDBOX CK {reference} thanh toan",
    }
    if not in_description:
        data["reference"] = reference
    body = json.dumps(data, separators=(",", ":")).encode()
    key = b"not-the-key" if forged else sandbox_secret()
    return body, vietqr.sign(body, key=key)


def gateway_ipn(*, reference: str, amount: int, success: bool, txn_no: str | None = None,
                forged: bool = False) -> dict[str, str]:
    params = {
        "gw_TmnCode": settings.ONESTOP_GATEWAY_MERCHANT, "gw_Amount": str(amount * 100),
        "gw_TxnRef": reference, "gw_TransactionNo": txn_no or new_txn_id("GW"),
        "gw_ResponseCode": gateway.SUCCESS if success else "24",
        "gw_TransactionStatus": gateway.SUCCESS if success else "02",
        "gw_PayDate": gateway.stamp(timezone.now()), "gw_BankCode": "SANDBOX",
    }
    return gateway.signed(params, key=b"not-the-key" if forged else sandbox_secret())


def deliver(provider: str, *, body: bytes = b"", query: Mapping[str, str] | None = None,
            headers: Mapping[str, str] | None = None) -> Delivery:
    """Send a notification to our own webhook endpoint (see the module docstring)."""
    path = reverse("partners:payment_webhook", args=[provider])
    if query:
        path += "?" + urlencode(dict(query))
    headers = dict(headers or {})
    if settings.ONESTOP_PAYMENT_SANDBOX_HTTP:
        request = urllib.request.Request(settings.PUBLIC_BASE_URL + path, data=body,
                                         method="POST", headers={
                                             "Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return Delivery(response.status, json.loads(response.read() or b"{}"))
        except urllib.error.HTTPError as exc:
            return Delivery(exc.code, json.loads(exc.read() or b"{}"))
    from django.test import RequestFactory

    # The view the URL resolves to (onestop.api.webhooks), found through the URL
    # configuration: payments never imports a surface.
    match = resolve(path.split("?", 1)[0])
    fake = RequestFactory().post(path, data=body, content_type="application/json",
                                 headers=headers)
    response = match.func(cast(HttpRequest, fake), *match.args, **match.kwargs)
    return Delivery(response.status_code, json.loads(response.content or b"{}"))


def send_bank_transfer(*, reference: str, amount: int, txn_id: str | None = None,
                       forged: bool = False) -> Delivery:
    body, signature = bank_notification(reference=reference, amount=amount, txn_id=txn_id,
                                        forged=forged)
    return deliver("vietqr", body=body, headers={vietqr.SIGNATURE_HEADER: signature})


def send_gateway_ipn(*, reference: str, amount: int, success: bool, txn_no: str | None = None,
                     forged: bool = False) -> Delivery:
    params = gateway_ipn(reference=reference, amount=amount, success=success, txn_no=txn_no,
                         forged=forged)
    return deliver("gateway", query=params)


def gateway_query_answer(params: Mapping[str, str]) -> dict[str, str]:
    """The sandbox gateway's answer to a signed status query (querydr)."""
    from ..models import SandboxGatewayTransaction

    if not gateway.verify(params):
        return gateway.signed({"gw_ResponseCode": "97"}, key=sandbox_secret())
    txn = (SandboxGatewayTransaction.objects.filter(reference=params.get("gw_TxnRef", ""))
           .order_by("-success", "-created_at").first())
    if txn is None:
        return gateway.signed({"gw_ResponseCode": "91"}, key=sandbox_secret())
    return gateway_ipn(reference=txn.reference, amount=txn.amount, success=txn.success,
                       txn_no=txn.transaction_no)


class SandboxProvider:
    """The simulator as a provider: 'paying' means going to the sandbox page."""

    name = "sandbox"
    online = True
    choosable = True
    redirects = True
    notifies = False  # it notifies through the vietqr and gateway endpoints
    sandbox = True

    def start(self, payment: Payment, *, return_url: str = "") -> Start:
        return Start(kind="redirect",
                     url=reverse("sandbox:pay", args=[payment.reference]))

    def signature_of(self, incoming: Incoming) -> str:
        return ""

    def parse_notification(self, incoming: Incoming) -> Notice:
        raise Malformed("the sandbox notifies through the vietqr and gateway endpoints")

    def respond(self, outcome: str) -> tuple[int, dict[str, Any]]:
        return 404, {"ok": False}

    def query(self, payment: Payment) -> Notice | None:
        return None


register(SandboxProvider())
