"""Citizen payments through the API: start with an Idempotency-Key, status, QR, scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from onestop.accounts.services import citizen_sign_up
from onestop.api.tokens import tokens_issue
from onestop.core.formatting import in_words
from onestop.dossiers import services as dsvc
from onestop.payments import vietqr
from onestop.payments.models import Payment
from onestop.payments.providers.base import Notice
from onestop.payments.services import notice_apply
from onestop.testing import vn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.PUBLIC_BASE_URL = "http://testserver"
    settings.ONESTOP_PAYMENT_SANDBOX = True


def _citizen(cccd: str, phone: str) -> tuple[Any, dict[str, str]]:
    user = citizen_sign_up(full_name="Nguyễn Văn An", cccd=cccd, phone=phone,
                           password="mat-khau-rat-dai-2026")
    token = tokens_issue(user=user, audience="citizen").access_token
    return user, {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def an(city) -> tuple[Any, dict[str, str], Any]:
    """A citizen whose dossier was received at the counter and owes its 8.000 đ fee."""
    user, auth = _citizen("092090001234", "0912345678")
    dossier = dsvc.dossier_intake_at_counter(
        officer=city.officer, filing=city.filing(account=user), at=vn(2026, 3, 2, 8))
    return user, auth, dossier


def start(client: Client, dossier_id: int, auth: dict[str, str], key: str,
          **body: Any) -> Any:
    return client.post(f"/api/v1/dossiers/{dossier_id}/payments", body,
                       content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **auth)


def test_same_key_and_body_gives_the_same_payment_and_another_body_is_refused(an):
    _user, auth, dossier = an
    client = Client()
    first = start(client, dossier.pk, auth, "k-1", provider="vietqr")
    assert first.status_code == 201, first.content
    again = start(client, dossier.pk, auth, "k-1", provider="vietqr")
    assert again.status_code == 200
    assert again.json()["reference"] == first.json()["reference"]
    assert Payment.objects.filter(dossier_link__dossier=dossier).count() == 1
    other = start(client, dossier.pk, auth, "k-1", provider="gateway")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_mismatch"
    assert Payment.objects.filter(dossier_link__dossier=dossier).count() == 1


def test_the_payment_is_for_what_the_dossier_owes_and_needs_a_signed_in_citizen(an):
    # Ported from the hand-made /payments/api/ endpoint this API replaced: the amount is the
    # dossier's outstanding fees, and without a token nothing is created.
    _user, auth, dossier = an
    client = Client()
    assert start(client, dossier.pk, {}, "k-anon").status_code == 401
    assert Payment.objects.count() == 0
    first = start(client, dossier.pk, auth, "k-1")
    assert first.status_code == 201
    assert (first.json()["amount"], first.json()["currency"]) == (8000, "VND")
    assert first.json()["pay_url"].endswith(f"/thanh-toan/{first.json()['reference']}/")


def test_the_key_is_required(an):
    _user, auth, dossier = an
    r = Client().post(f"/api/v1/dossiers/{dossier.pk}/payments", {"provider": "vietqr"},
                      content_type="application/json", **auth)
    assert r.status_code == 422
    assert Payment.objects.count() == 0


def test_a_new_payment_shows_its_state_amount_and_qr(an, settings):
    _user, auth, dossier = an
    client = Client()
    created = start(client, dossier.pk, auth, "k-qr").json()
    assert (created["state"], created["amount"], created["provider"]) == ("pending", 8000,
                                                                          "vietqr")
    assert created["receipt_number"] is None and created["redirect_url"] is None
    status = client.get(f"/api/v1/payments/{created['reference']}", **auth).json()
    assert status["reference"] == created["reference"] and status["dossier_id"] == dossier.pk

    qr = client.get(f"/api/v1/payments/{created['reference']}/qr", **auth)
    assert qr.status_code == 200, qr.content
    body = qr.json()
    decoded = vietqr.decode(body["payload"])
    assert (decoded.amount, decoded.reference) == (8000, created["reference"])
    assert decoded.account == settings.ONESTOP_PAYMENT_ACCOUNT
    assert body["image"].startswith("data:image/svg+xml")
    assert body["account"]["account"] == settings.ONESTOP_PAYMENT_ACCOUNT
    assert body["amount_words"] == in_words(8000)
    assert created["reference"] in body["in_words"]
    assert settings.ONESTOP_PAYMENT_ACCOUNT in body["in_words"]


def test_a_settled_payment_shows_its_receipt_and_has_no_qr(an):
    _user, auth, dossier = an
    client = Client()
    ref = start(client, dossier.pk, auth, "k-pay").json()["reference"]
    notice_apply(provider="vietqr", notice=Notice(reference=ref, provider_txn_id="FT0001",
                                                  amount=8000, success=True))
    status = client.get(f"/api/v1/payments/{ref}", **auth).json()
    payment = Payment.objects.get(reference=ref)
    assert status["state"] == "succeeded"
    assert status["receipt_number"] == payment.receipts.get().number
    assert status["receipts"][0]["pdf_url"].endswith(".pdf")
    assert client.get(f"/api/v1/payments/{ref}/qr", **auth).status_code == 409


def test_gateway_payment_gives_where_to_go(an):
    _user, auth, dossier = an
    created = start(Client(), dossier.pk, auth, "k-gw", provider="gateway").json()
    assert created["provider"] == "gateway"
    assert "gw_TxnRef=" + created["reference"] in created["redirect_url"]


def test_sandbox_is_refused_when_the_sandbox_is_off(an, settings):
    settings.ONESTOP_PAYMENT_SANDBOX = False
    _user, auth, dossier = an
    r = start(Client(), dossier.pk, auth, "k-sb", provider="sandbox")
    assert r.status_code == 400
    assert Payment.objects.count() == 0


def test_a_citizen_can_never_reach_anothers_payment(an, city):
    _user, auth, dossier = an
    client = Client()
    ref = start(client, dossier.pk, auth, "k-own").json()["reference"]
    _other, other_auth = _citizen("092090005678", "0987654321")
    assert client.get(f"/api/v1/payments/{ref}", **other_auth).status_code == 404
    assert client.get(f"/api/v1/payments/{ref}/qr", **other_auth).status_code == 404
    assert start(client, dossier.pk, other_auth, "k-own").status_code == 404
    assert start(client, dossier.pk, other_auth, "k-x").status_code == 404
    # Unknown references look the same as someone else's.
    assert client.get("/api/v1/payments/OS0000000000", **auth).status_code == 404
    # Staff tokens are not for the citizen part of the API.
    staff = {"HTTP_AUTHORIZATION": "Bearer "
             + tokens_issue(user=city.officer, audience="staff").access_token}
    assert client.get(f"/api/v1/payments/{ref}", **staff).status_code == 401
    assert Payment.objects.count() == 1


def test_nothing_owed_is_a_client_error(an):
    _user, auth, dossier = an
    client = Client()
    ref = start(client, dossier.pk, auth, "k-a").json()["reference"]
    notice_apply(provider="vietqr", notice=Notice(reference=ref, provider_txn_id="FT0002",
                                                  amount=8000, success=True))
    r = start(client, dossier.pk, auth, "k-b")
    assert r.status_code == 400
    assert r.json()["code"] == "validation_failed"
