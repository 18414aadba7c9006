"""Issue 17 item 2: a webhook secret derived from the published fallback key proves nothing."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.urls import reverse

from onestop.payments.models import Payment, PaymentNotification

FALLBACK = "onestop-insecure-local-key-do-not-use-in-production"


def _forge(body: bytes) -> str:
    # What anyone computes from the key published with the code (providers.base.secret).
    derived = hmac.new(FALLBACK.encode(), b"onestop.payments.ONESTOP_VIETQR_WEBHOOK_SECRET",
                       hashlib.sha256).hexdigest().encode()
    return hmac.new(derived, body, hashlib.sha256).hexdigest()


@pytest.fixture
def fallback_key(settings):
    settings.SECRET_KEY = FALLBACK
    settings.DEBUG = False
    settings.ONESTOP_DEMO = False
    settings.ONESTOP_VIETQR_WEBHOOK_SECRET = ""
    return settings


def _post(client, payment: Payment):
    body = json.dumps({"transaction_id": "FT-FORGED", "amount": payment.amount,
                       "reference": payment.reference}).encode()
    return client.post(reverse("partners:payment_webhook", args=["vietqr"]), data=body,
                       content_type="application/json", headers={"X-Signature": _forge(body)})


def test_a_webhook_signed_with_a_secret_derived_from_the_fallback_key_is_refused(
        world, client, fallback_key):
    payment = world.payment(world.receive())
    response = _post(client, payment)
    assert response.status_code == 401
    payment.refresh_from_db()
    assert payment.state == Payment.State.PENDING
    assert PaymentNotification.objects.get().outcome == PaymentNotification.Outcome.FORGED


def test_the_demo_may_use_a_secret_derived_from_the_fallback_key(world, client, fallback_key):
    fallback_key.ONESTOP_DEMO = True  # a local demo: the derived secret is all there is
    payment = world.payment(world.receive())
    assert _post(client, payment).status_code == 200
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED
