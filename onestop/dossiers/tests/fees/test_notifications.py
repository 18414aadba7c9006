"""Notifications: forged refused and logged, duplicates inert, late successes settle,
differing amounts flagged, the gateway's return never trusted, lost IPNs found by query."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from onestop.core.audit import audit_verify
from onestop.dossiers.models import Status
from onestop.payments import services
from onestop.payments.models import Payment, PaymentNotification, Receipt, SandboxGatewayTransaction
from onestop.payments.providers import gateway, sandbox, vietqr

from .conftest import bank_incoming, gateway_incoming, receive

pytestmark = pytest.mark.django_db
Out = PaymentNotification.Outcome


def test_a_forged_bank_notification_is_refused_with_401_and_logged(world, client):
    payment = world.payment(world.receive())
    body = json.dumps({"transaction_id": "FT1", "amount": payment.amount,
                       "reference": payment.reference}).encode()
    response = client.post(reverse("partners:payment_webhook", args=["vietqr"]), data=body,
                           content_type="application/json",
                           headers={"X-Signature": vietqr.sign(body, key=b"guess")})
    assert response.status_code == 401
    log = PaymentNotification.objects.get()
    assert (log.signature_valid, log.outcome, log.payment) == (False, Out.FORGED, None)
    assert json.loads(log.body)["reference"] == payment.reference
    payment.refresh_from_db()
    assert payment.state == Payment.State.PENDING


def test_an_unsigned_or_forged_gateway_ipn_is_refused(world, client):
    payment = world.payment(world.receive())
    forged = gateway_incoming(payment.reference, payment.amount, "GW1", forged=True).query
    response = client.get(reverse("partners:payment_webhook", args=["gateway"]), data=forged)
    assert response.status_code == 401
    assert response.json()["RspCode"] == "97"
    unsigned = {k: v for k, v in forged.items() if k != gateway.HASH}
    assert client.get(reverse("partners:payment_webhook", args=["gateway"]),
                      data=unsigned).status_code == 401
    assert PaymentNotification.objects.filter(outcome=Out.FORGED).count() == 2


def test_a_signed_notification_through_http_settles(world, client):
    payment = world.payment(world.receive())
    incoming = bank_incoming(payment.reference, payment.amount, "FT77")
    response = client.post(reverse("partners:payment_webhook", args=["vietqr"]), data=incoming.body,
                           content_type="application/json", headers=dict(incoming.headers))
    assert response.status_code == 200 and response.json()["outcome"] == "settled"
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED and not payment.sandbox


def test_the_reference_is_found_in_the_transfer_description(world):
    payment = world.payment(world.receive())
    body = json.dumps({"transaction_id": "FT5", "amount": payment.amount,
                       "description": f"NGUYEN VAN AN chuyen tien {payment.reference} le phi"}
                      ).encode()
    from onestop.payments.providers.base import Incoming

    result = receive("vietqr", Incoming(body=body, query={},
                                        headers={"X-Signature": vietqr.sign(body)}))
    assert result.outcome == Out.SETTLED


def test_duplicates_change_nothing(world):
    payment = world.payment(world.receive())
    incoming = bank_incoming(payment.reference, payment.amount, "FT1")
    assert receive("vietqr", incoming).outcome == Out.SETTLED
    payment.refresh_from_db()
    before = (payment.state, payment.settled_at, payment.updated_at)
    for _ in range(3):
        assert receive("vietqr", incoming).outcome == Out.DUPLICATE
    payment.refresh_from_db()
    assert (payment.state, payment.settled_at, payment.updated_at) == before
    assert Receipt.objects.count() == 1
    first = PaymentNotification.objects.order_by("id").first()
    assert set(PaymentNotification.objects.exclude(pk=first.pk)
               .values_list("duplicate_of", flat=True)) == {first.pk}


def test_a_success_after_failed_or_expired_still_settles(world):
    failed = world.payment(world.receive())
    assert receive("gateway", gateway_incoming(failed.reference, failed.amount, "GW1",
                                               success=False)).outcome == Out.FAILED
    failed.refresh_from_db()
    assert failed.state == Payment.State.FAILED
    assert receive("gateway", gateway_incoming(failed.reference, failed.amount,
                                               "GW2")).outcome == Out.SETTLED

    expired = world.payment(world.receive(name="Lê Thị Hoa"))
    services.payment_expire_sweep(now=timezone.now() + datetime.timedelta(days=2))
    expired.refresh_from_db()
    assert expired.state == Payment.State.EXPIRED
    assert receive("vietqr", bank_incoming(expired.reference, expired.amount,
                                           "FT3")).outcome == Out.SETTLED
    expired.refresh_from_db()
    assert expired.state == Payment.State.SUCCEEDED
    assert expired.dossier_link.dossier.status == Status.IN_PROCESS


def test_a_failure_after_success_is_ignored(world):
    payment = world.payment(world.receive())
    receive("gateway", gateway_incoming(payment.reference, payment.amount, "GW1"))
    assert receive("gateway", gateway_incoming(payment.reference, payment.amount, "GW9",
                                               success=False)).outcome == Out.STALE
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED


@pytest.mark.parametrize("paid, decision", [(6500, "accept"), (20000, "refund_difference"),
                                            (6500, "reject")])
def test_partial_and_over_payments_are_flagged_for_an_officer(world, paid, decision):
    d = world.receive()
    payment = world.payment(d)
    assert receive("vietqr", bank_incoming(payment.reference, paid, "FT1")).outcome == Out.FLAGGED
    payment.refresh_from_db()
    assert (payment.state, payment.received_amount) == (Payment.State.FLAGGED, paid)
    d.refresh_from_db()
    assert d.status == Status.AWAITING_PAYMENT  # not silently accepted
    assert not Receipt.objects.exists()
    services.payment_resolve_flagged(reference=payment.reference, officer=world.city.officer,
                                     decision=decision, reason="Đã liên hệ người nộp")
    payment.refresh_from_db()
    d.refresh_from_db()
    if decision == "reject":
        assert payment.state == Payment.State.FAILED
        assert d.status == Status.AWAITING_PAYMENT
        assert payment.refunds.get().amount == paid
    else:
        assert payment.state == Payment.State.SUCCEEDED
        assert d.status == Status.IN_PROCESS
        assert Receipt.objects.get(payment=payment).amount == paid
        if decision == "refund_difference":
            assert payment.refunds.get().amount == paid - payment.amount


def test_paying_twice_is_logged_as_extra_and_changes_nothing(world):
    payment = world.payment(world.receive())
    receive("vietqr", bank_incoming(payment.reference, payment.amount, "FT1"))
    result = receive("gateway", gateway_incoming(payment.reference, payment.amount, "GW1"))
    assert result.outcome == Out.EXTRA
    assert Receipt.objects.count() == 1


def test_unknown_reference_is_acknowledged_and_logged(world):
    result = receive("vietqr", bank_incoming("OS0000000000", 1000, "FT1"))
    assert result.outcome == Out.UNKNOWN and result.status == 200


def test_sandbox_notifications_are_marked_and_refused_when_the_sandbox_is_off(world, settings):
    payment = world.payment(world.receive())
    incoming = bank_incoming(payment.reference, payment.amount, "FT1", sign_with="sandbox")
    settings.ONESTOP_PAYMENT_SANDBOX = False
    assert receive("vietqr", incoming).outcome == Out.FORGED
    settings.ONESTOP_PAYMENT_SANDBOX = True
    assert receive("vietqr", incoming).outcome == Out.SETTLED
    payment.refresh_from_db()
    assert payment.sandbox


def test_the_gateway_return_url_is_verified_but_never_settles(world, client):
    payment = world.payment(world.receive())
    params = gateway_incoming(payment.reference, payment.amount, "GW1").query
    url = reverse("portal:pay_return", args=[payment.reference])
    response = client.get(url, data=params)
    assert response.status_code == 200
    assert response["Refresh"]
    payment.refresh_from_db()
    assert payment.state == Payment.State.PENDING  # only the IPN decides
    tampered = {**params, "gw_Amount": "100"}
    assert client.get(url, data=tampered).status_code == 400


def test_a_lost_ipn_is_found_by_the_status_query(world):
    payment = world.payment(world.receive(), provider="gateway")
    SandboxGatewayTransaction.objects.create(reference=payment.reference,
                                             transaction_no="GWLOST1", amount=payment.amount,
                                             success=True)
    assert services.gateway_query_sweep(now=timezone.now()) == 0  # too early to ask
    later = timezone.now() + datetime.timedelta(minutes=30)
    assert services.gateway_query_sweep(now=later) == 1
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED
    assert payment.provider_txn_id == "GWLOST1"
    # The late IPN that finally arrives is a duplicate.
    assert receive("gateway", gateway_incoming(payment.reference, payment.amount,
                                               "GWLOST1")).outcome == Out.DUPLICATE
    assert audit_verify().ok


def test_the_sandbox_gateway_round_trip(world, client):
    d = world.receive()
    payment = world.payment(d)
    response = client.post(reverse("portal:pay", args=[payment.reference]),
                           {"provider": "gateway"})
    assert response.status_code == 302
    location = response["Location"]
    assert "/sandbox/gateway/?" in location and "gw_SecureHash=" in location
    page = client.get(location)
    assert page.status_code == 200
    params = {k: v for k, v in page.context["params"].items()}
    back = client.post(reverse("sandbox:gateway"), {**params, "choice": "pay"})
    assert back.status_code == 302
    assert f"/thanh-toan/{payment.reference}/ket-qua/" in back["Location"]
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED and payment.sandbox
    assert client.get(back["Location"]).status_code == 200


def test_a_tampered_gateway_request_is_refused_by_the_sandbox_gateway(world, client):
    payment = world.payment(world.receive())
    start = gateway.GatewayProvider().start(payment, return_url="http://testserver/x")
    tampered = start.url.replace(f"gw_Amount={payment.amount * 100}", "gw_Amount=100")
    assert client.get(tampered).status_code == 400


def test_the_sandbox_page_sends_real_signed_notifications(world, client):
    payment = world.payment(world.receive())
    url = reverse("sandbox:pay", args=[payment.reference])
    assert client.get(url).status_code == 200
    client.post(url, {"action": "forged"})
    assert PaymentNotification.objects.filter(outcome=Out.FORGED).count() == 1
    client.post(url, {"action": "duplicate"})
    outcomes = list(PaymentNotification.objects.exclude(outcome=Out.FORGED)
                    .order_by("id").values_list("outcome", flat=True))
    assert outcomes == [Out.SETTLED, Out.DUPLICATE]
    payment.refresh_from_db()
    assert payment.sandbox


def test_the_sandbox_is_404_when_off(world, client, settings):
    payment = world.payment(world.receive())
    settings.ONESTOP_PAYMENT_SANDBOX = False
    assert client.get(reverse("sandbox:pay", args=[payment.reference])).status_code == 404


def test_sandbox_delivery_over_http_is_optional(world, settings, monkeypatch):
    # The default delivery goes through the webhook view in-process.
    payment = world.payment(world.receive())
    delivery = sandbox.send_bank_transfer(reference=payment.reference, amount=payment.amount)
    assert delivery.status == 200 and delivery.body["outcome"] == "settled"
