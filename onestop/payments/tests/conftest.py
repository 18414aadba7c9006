"""Shared helpers for payment tests: provider secrets, signed notifications.

Payments knows nothing of dossiers, nor do its tests: the tests of a dossier's fees (paid
before processing, exactly once, refunds, receipts) are in onestop/dossiers/tests/fees/,
with the `world` fixture there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from onestop.payments import services
from onestop.payments.providers import gateway, sandbox, vietqr
from onestop.payments.providers.base import Incoming, secret


@pytest.fixture(autouse=True)
def _payment_settings(settings):
    settings.ONESTOP_PAYMENT_SANDBOX = True
    settings.ONESTOP_VIETQR_WEBHOOK_SECRET = "bank-secret-for-tests"
    settings.ONESTOP_GATEWAY_SECRET = "gateway-secret-for-tests"
    settings.ONESTOP_PAYMENT_SANDBOX_SECRET = "sandbox-secret-for-tests"
    settings.ONESTOP_GATEWAY_URL = ""
    settings.PUBLIC_BASE_URL = "http://testserver"


def bank_incoming(reference: str, amount: int, txn: str, *, key: bytes | None = None,
                  sign_with: str = "real") -> Incoming:
    """The bank's credit notification, signed with the real key (or another one)."""
    body = json.dumps({"transaction_id": txn, "amount": amount, "reference": reference,
                       "description": f"CK {reference}"}).encode()
    if sign_with == "real":
        signature = vietqr.sign(body)
    elif sign_with == "sandbox":
        signature = vietqr.sign(body, key=secret("ONESTOP_PAYMENT_SANDBOX_SECRET"))
    else:
        signature = vietqr.sign(body, key=b"attacker")
    return Incoming(body=body, query={}, headers={vietqr.SIGNATURE_HEADER: signature})


def gateway_incoming(reference: str, amount: int, txn: str, *, success: bool = True,
                     forged: bool = False) -> Incoming:
    params = {
        "gw_TmnCode": "ONESTOP01", "gw_Amount": str(amount * 100), "gw_TxnRef": reference,
        "gw_TransactionNo": txn, "gw_ResponseCode": "00" if success else "24",
        "gw_TransactionStatus": "00" if success else "02", "gw_PayDate": "20260302090000",
    }
    signed = gateway.signed(params, key=b"attacker" if forged else None)
    return Incoming(body=b"", query=signed, headers={})


Receive = Callable[..., services.Received]


def receive(provider: str, incoming: Incoming, **kw: Any) -> services.Received:
    return services.notification_receive(provider=provider, incoming=incoming, **kw)


__all__ = ["bank_incoming", "gateway_incoming", "receive", "sandbox"]
