"""The national payment platform as a provider (issue 18): signed initiation, the signed
server-to-server confirmation settles through the shared exactly-once service."""

import json

import pytest
from django.urls import reverse

from onestop.payments.models import Payment, PaymentNotification
from onestop.payments.providers import get, national, payer_may_choose
from onestop.payments.providers.base import Incoming

from .conftest import receive

Out = PaymentNotification.Outcome


@pytest.fixture(autouse=True)
def _national_on(settings):
    settings.ONESTOP_NATIONAL_PAYMENT = True
    settings.ONESTOP_NATIONAL_PAYMENT_URL = "http://national.invalid/payment"
    settings.ONESTOP_NATIONAL_PAYMENT_SECRET = "national-secret-for-tests"
    settings.ONESTOP_NATIONAL_PAYMENT_MERCHANT = "ONESTOP01"


def confirmation(reference, amount, txn, *, status="00", key=None) -> Incoming:
    body = national.signed(national.CONFIRM_FIELDS, {
        "merchant": "ONESTOP01", "reference": reference, "transaction_id": txn,
        "amount": amount, "status": status, "paid_at": "20260302090000"}, key=key)
    return Incoming(body=json.dumps(body).encode(), query={}, headers={})


def test_the_provider_is_off_unless_the_setting_turns_it_on(settings):
    settings.ONESTOP_NATIONAL_PAYMENT = False
    assert not payer_may_choose("national")
    settings.ONESTOP_NATIONAL_PAYMENT = True
    assert payer_may_choose("national")


@pytest.mark.django_db
def test_the_initiation_message_is_signed_over_the_fields_joined_by_a_bar(world):
    payment = world.payment(world.receive(), provider="national")
    start = get("national").start(payment, return_url="http://testserver/back")
    assert start.kind == "redirect"
    assert start.url.startswith("http://national.invalid/payment/pay?")
    message = national.initiation(payment, return_url="http://testserver/back")
    assert message["amount"] == str(payment.amount)
    assert message["reference"] == payment.reference
    joined = "|".join(message[f] for f in national.INIT_FIELDS)
    import hashlib
    import hmac
    expected = hmac.new(b"national-secret-for-tests", joined.encode(),
                        hashlib.sha256).hexdigest()
    assert message["signature"] == expected


@pytest.mark.django_db
def test_a_signed_confirmation_settles_once_and_its_replay_is_a_duplicate(world):
    payment = world.payment(world.receive(), provider="national")
    incoming = confirmation(payment.reference, payment.amount, "NP1")
    first = receive("national", incoming)
    assert first.outcome == Out.SETTLED
    assert receive("national", incoming).outcome == Out.DUPLICATE
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED
    assert PaymentNotification.objects.filter(provider="national",
                                              outcome=Out.SETTLED).count() == 1


@pytest.mark.django_db
def test_a_forged_confirmation_is_refused_and_recorded(world):
    payment = world.payment(world.receive(), provider="national")
    result = receive("national", confirmation(payment.reference, payment.amount, "NP2",
                                              key=b"attacker"))
    assert result.outcome == Out.FORGED
    assert result.status == 401
    payment.refresh_from_db()
    assert payment.state != Payment.State.SUCCEEDED
    assert PaymentNotification.objects.filter(provider="national", outcome=Out.FORGED).exists()


@pytest.mark.django_db
def test_a_confirmation_for_the_wrong_amount_is_flagged_not_settled(world):
    payment = world.payment(world.receive(), provider="national")
    result = receive("national", confirmation(payment.reference, payment.amount - 1000, "NP3"))
    assert result.outcome == Out.FLAGGED
    payment.refresh_from_db()
    assert payment.state != Payment.State.SUCCEEDED


@pytest.mark.django_db
def test_a_confirmation_for_an_unknown_reference_is_recorded_as_unknown(world):
    result = receive("national", confirmation("OS26NOSUCHREF", 5000, "NP4"))
    assert result.outcome == Out.UNKNOWN


@pytest.mark.django_db
def test_a_confirmation_while_the_platform_is_off_is_refused(world, settings):
    payment = world.payment(world.receive(), provider="national")
    settings.ONESTOP_NATIONAL_PAYMENT = False
    result = receive("national", confirmation(payment.reference, payment.amount, "NP5"))
    assert result.outcome == Out.FORGED


@pytest.mark.django_db
def test_the_webhook_endpoint_takes_the_platforms_json_confirmation(world, client):
    payment = world.payment(world.receive(), provider="national")
    incoming = confirmation(payment.reference, payment.amount, "NP6")
    response = client.post(reverse("partners:payment_webhook", args=["national"]),
                           data=incoming.body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["code"] == "00"
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED
