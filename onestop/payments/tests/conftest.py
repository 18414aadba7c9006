"""Shared fixtures for payments: a city whose procedure is paid before processing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from onestop.catalog.models import Fee, ProcedureVersion
from onestop.dossiers import services as dsvc
from onestop.dossiers.models import Dossier
from onestop.payments import services
from onestop.payments.models import Payment
from onestop.payments.providers import gateway, sandbox, vietqr
from onestop.payments.providers.base import Incoming, secret
from onestop.testing import City, make_user, vn


@pytest.fixture(autouse=True)
def _payment_settings(settings):
    settings.ONESTOP_PAYMENT_SANDBOX = True
    settings.ONESTOP_VIETQR_WEBHOOK_SECRET = "bank-secret-for-tests"
    settings.ONESTOP_GATEWAY_SECRET = "gateway-secret-for-tests"
    settings.ONESTOP_PAYMENT_SANDBOX_SECRET = "sandbox-secret-for-tests"
    settings.ONESTOP_GATEWAY_URL = ""
    settings.PUBLIC_BASE_URL = "http://testserver"


@dataclass
class PayWorld:
    city: City
    centre_leader: Any

    def receive(self, **applicant: Any) -> Dossier:
        """A dossier received at the counter (fees computed; waits in 6 if paid first)."""
        return dsvc.dossier_intake_at_counter(officer=self.city.officer,
                                              filing=self.city.filing(**applicant),
                                              at=vn(2026, 3, 2, 8))

    def payment(self, dossier: Dossier, **kwargs: Any) -> Payment:
        return services.payment_for_dossier(dossier_id=dossier.pk, **kwargs).payment


@pytest.fixture
def world(city) -> PayWorld:
    version = city.version
    version.payment_timing = ProcedureVersion.PaymentTiming.BEFORE_PROCESSING
    version.save(update_fields=["payment_timing"])
    Fee.objects.create(version=version, name="Phí trích lục bản sao", amount=5000,
                       kind=Fee.Kind.PER_COPY)
    leader = make_user("centre-leader", "Huỳnh Văn Giàu", leader=city.centre)
    return PayWorld(city=city, centre_leader=leader)


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
