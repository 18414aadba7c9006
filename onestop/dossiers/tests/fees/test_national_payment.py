"""The national payment platform as a provider (issue 18): a signed initiation message, the
signed server-to-server confirmation settles once through the shared settlement service, and
the signed look-up by dossier code answers what is owed."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from onestop.payments.models import Payment, PaymentNotification, Receipt
from onestop.payments.providers import get, national, payer_may_choose

Out = PaymentNotification.Outcome
KEY = b"national-secret-for-tests"
WEBHOOK = "/payments/webhooks/national/"
LOOKUP = "/payments/national/lookup"


@pytest.fixture(autouse=True)
def _national_on(settings):
    settings.ONESTOP_NATIONAL_PAYMENT = True
    settings.ONESTOP_NATIONAL_PAYMENT_URL = "http://national.invalid/payment"
    settings.ONESTOP_NATIONAL_PAYMENT_SECRET = KEY.decode()
    settings.ONESTOP_NATIONAL_PAYMENT_MERCHANT = "ONESTOP01"
    settings.ONESTOP_WEBHOOK_RATE_LIMIT = 0


def hmac_of(fields, values, key=KEY) -> str:
    joined = "|".join(str(values[f]) for f in fields)
    return hmac.new(key, joined.encode(), hashlib.sha256).hexdigest()


def confirm(client, reference, amount, txn, *, status="00", key=KEY):
    body = {"merchant": "ONESTOP01", "reference": reference, "transaction_id": txn,
            "amount": str(amount), "status": status, "paid_at": "20260302090000"}
    body["signature"] = hmac_of(national.CONFIRM_FIELDS, body, key)
    return client.post(WEBHOOK, data=json.dumps(body), content_type="application/json")


def look_up(client, code, *, key=KEY):
    body = {"merchant": "ONESTOP01", "dossier_code": code, "timestamp": "20260302090000"}
    body["signature"] = hmac_of(national.LOOKUP_FIELDS, body, key)
    return client.post(LOOKUP, data=json.dumps(body), content_type="application/json")


def test_the_provider_is_off_unless_the_setting_turns_it_on(settings):
    settings.ONESTOP_NATIONAL_PAYMENT = False
    assert not payer_may_choose("national")
    settings.ONESTOP_NATIONAL_PAYMENT = True
    assert payer_may_choose("national")


def test_the_endpoints_are_at_the_paths_the_platform_is_given():
    assert reverse("partners:payment_webhook", args=["national"]) == WEBHOOK
    assert reverse("partners:national_payment_lookup") == LOOKUP


@pytest.mark.django_db
def test_the_initiation_message_carries_the_bill_and_is_signed_over_the_fields_joined_by_a_bar(
        world):
    dossier = world.receive()
    payment = world.payment(dossier, provider="national")
    start = get("national").start(payment, return_url="http://testserver/back")
    assert start.kind == "redirect"
    assert start.url.startswith("http://national.invalid/payment/pay?")
    sent = {k: v[0] for k, v in parse_qs(urlsplit(start.url).query,
                                         keep_blank_values=True).items()}
    assert sent["reference"] == payment.reference
    assert sent["amount"] == str(payment.amount) and sent["currency"] == "VND"
    assert sent["dossier_code"] == dossier.code
    assert sent["payer_name"] == dossier.applicant_name
    lines = json.loads(sent["fee_lines"])
    assert sum(line["amount"] for line in lines) == payment.amount
    assert all(isinstance(line["amount"], int) for line in lines)
    assert sent["return_url"] == "http://testserver/back"
    assert sent["signature"] == hmac_of(national.INIT_FIELDS, sent)


@pytest.mark.django_db
def test_a_signed_confirmation_sent_twice_settles_once(world, client):
    payment = world.payment(world.receive(), provider="national")
    first = confirm(client, payment.reference, payment.amount, "NP1")
    assert first.status_code == 200 and first.json()["code"] == "00"
    again = confirm(client, payment.reference, payment.amount, "NP1")
    assert again.status_code == 409 and again.json()["outcome"] == Out.DUPLICATE
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED and payment.provider == "national"
    assert Receipt.objects.filter(payment=payment).count() == 1
    outcomes = list(PaymentNotification.objects.filter(provider="national")
                    .order_by("id").values_list("outcome", flat=True))
    assert outcomes == [Out.SETTLED, Out.DUPLICATE]


@pytest.mark.django_db
def test_a_forged_confirmation_is_refused_with_a_reason_and_recorded(world, client):
    payment = world.payment(world.receive(), provider="national")
    response = confirm(client, payment.reference, payment.amount, "NP2", key=b"attacker")
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid signature"
    payment.refresh_from_db()
    assert payment.state == Payment.State.PENDING
    note = PaymentNotification.objects.get(provider="national")
    assert note.outcome == Out.FORGED and not note.signature_valid


@pytest.mark.django_db
def test_a_confirmation_for_the_wrong_amount_is_refused_and_the_payment_not_settled(
        world, client):
    payment = world.payment(world.receive(), provider="national")
    response = confirm(client, payment.reference, payment.amount - 1000, "NP3")
    assert response.status_code == 422
    assert response.json()["outcome"] == Out.FLAGGED
    payment.refresh_from_db()
    assert payment.state != Payment.State.SUCCEEDED
    assert not Receipt.objects.filter(payment=payment).exists()
    assert PaymentNotification.objects.get(provider="national").amount == payment.amount - 1000


@pytest.mark.django_db
def test_a_confirmation_for_an_unknown_reference_is_refused_and_recorded(world, client):
    response = confirm(client, "OS26NOSUCHREF", 5000, "NP4")
    assert response.status_code == 404
    assert PaymentNotification.objects.get(provider="national").outcome == Out.UNKNOWN


@pytest.mark.django_db
def test_a_confirmation_while_the_platform_is_off_settles_nothing(world, client, settings):
    payment = world.payment(world.receive(), provider="national")
    settings.ONESTOP_NATIONAL_PAYMENT = False
    response = confirm(client, payment.reference, payment.amount, "NP5")
    assert response.status_code == 401
    payment.refresh_from_db()
    assert payment.state == Payment.State.PENDING


@pytest.mark.django_db
def test_the_payers_return_page_never_settles(world, client):
    payment = world.payment(world.receive(), provider="national")
    response = client.get(reverse("portal:pay", args=[payment.reference]),
                          {"reference": payment.reference, "status": "00"})
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.state == Payment.State.PENDING


@pytest.mark.django_db
def test_the_payment_page_sends_the_payer_to_the_platform_with_the_page_as_return(
        world, client):
    payment = world.payment(world.receive())
    response = client.post(reverse("portal:pay", args=[payment.reference]),
                           {"provider": "national"})
    assert response.status_code == 302
    sent = parse_qs(urlsplit(response["Location"]).query)
    assert sent["return_url"][0].endswith(reverse("portal:pay", args=[payment.reference]))


@pytest.mark.django_db
def test_the_look_up_by_dossier_code_answers_what_is_owed(world, client):
    dossier = world.receive()
    response = look_up(client, dossier.code)
    assert response.status_code == 200
    answer = response.json()
    assert answer["currency"] == "VND" and answer["dossier_code"] == dossier.code
    assert answer["total"] == sum(line["amount"] for line in answer["fee_lines"]) > 0
    signed_lines = national.fee_lines_json(answer["fee_lines"])
    assert answer["signature"] == hmac_of(national.ANSWER_FIELDS,
                                          {**answer, "fee_lines": signed_lines})
    # The reference it gives is the one to confirm, and asking again gives the same one.
    assert look_up(client, dossier.code).json()["reference"] == answer["reference"]
    assert confirm(client, answer["reference"], answer["total"], "NP7").status_code == 200
    after = look_up(client, dossier.code).json()
    assert after["total"] == 0 and after["fee_lines"] == [] and after["reference"] == ""


@pytest.mark.django_db
def test_a_look_up_with_a_bad_signature_or_an_unknown_code_is_refused(world, client):
    dossier = world.receive()
    bad = look_up(client, dossier.code, key=b"attacker")
    assert bad.status_code == 401 and "fee_lines" not in bad.json()
    unknown = look_up(client, "NO-SUCH-CODE")
    assert unknown.status_code == 404
    assert unknown.json()["message"] == "Unknown dossier code"


@pytest.mark.django_db(transaction=True)
def test_the_standin_page_confirms_over_http_and_the_payment_settles_once(world, live_server,
                                                                           settings):
    import urllib.error
    import urllib.request
    from urllib.parse import urlencode

    from onestop.national.standin import StandIn
    from onestop.national.standin_payment import payment_state

    with StandIn() as standin:
        settings.ONESTOP_NATIONAL_PAYMENT_URL = standin.url + "/payment"
        payment = world.payment(world.receive(), provider="national")
        back = live_server.url + reverse("portal:pay", args=[payment.reference])
        start = get("national").start(payment, return_url=back)
        with urllib.request.urlopen(start.url) as page:  # noqa: S310 - loopback stand-in
            assert "STAND-IN" in page.read().decode()
        message = {k: v[0] for k, v in parse_qs(urlsplit(start.url).query).items()}
        tampered = {**message, "amount": "1"}
        try:
            urllib.request.urlopen(f"{standin.url}/payment/pay?{urlencode(tampered)}")  # noqa: S310
            raise AssertionError("a tampered initiation was accepted")
        except urllib.error.HTTPError as exc:
            assert exc.code == 400

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        form = urlencode({**message, "decision": "confirm"}).encode()
        try:
            opener.open(f"{standin.url}/payment/pay", data=form)
            raise AssertionError("the stand-in did not send the payer back")
        except urllib.error.HTTPError as exc:
            assert exc.code == 302 and exc.headers["Location"] == back
        assert [status for status, _ in payment_state(standin).sent] == [200]
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED and payment.provider == "national"


@pytest.mark.django_db(transaction=True)
def test_a_platform_that_is_down_fails_or_drops_the_confirmation_settles_nothing_until_it_comes(
        world, live_server, settings):
    import time
    import urllib.error
    import urllib.request
    from urllib.parse import urlencode

    from onestop.national.standin import StandIn
    from onestop.national.standin_payment import payment_state

    def control(standin, **body):
        request = urllib.request.Request(f"{standin.url}/payment/_control", method="POST",
                                         data=json.dumps(body).encode())
        urllib.request.urlopen(request).close()  # noqa: S310 - loopback stand-in

    def status_of(call) -> int:
        try:
            with call() as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with StandIn() as standin:
        settings.ONESTOP_NATIONAL_PAYMENT_URL = standin.url + "/payment"
        payment = world.payment(world.receive(), provider="national")
        back = live_server.url + reverse("portal:pay", args=[payment.reference])
        start = get("national").start(payment, return_url=back)
        message = {k: v[0] for k, v in parse_qs(urlsplit(start.url).query).items()}
        form = urlencode({**message, "decision": "confirm"}).encode()
        state = payment_state(standin)

        control(standin, mode="down")
        assert status_of(lambda: urllib.request.urlopen(start.url)) == 503  # noqa: S310
        control(standin, mode="error")
        assert status_of(lambda: opener.open(f"{standin.url}/payment/pay", data=form)) == 500
        control(standin, mode="drop")
        assert status_of(lambda: opener.open(f"{standin.url}/payment/pay", data=form)) == 302
        assert state.sent == [] and len(state.dropped) == 1
        payment.refresh_from_db()
        assert payment.state == Payment.State.PENDING  # the payer's return settles nothing

        control(standin, mode="late", delay=0.5)
        assert status_of(lambda: opener.open(f"{standin.url}/payment/pay", data=form)) == 302
        payment.refresh_from_db()
        assert payment.state == Payment.State.PENDING and state.sent == []
        deadline = time.monotonic() + 15
        while not state.sent and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [status for status, _ in state.sent] == [200]
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED
    assert Receipt.objects.filter(payment=payment).count() == 1


def test_a_cancelled_payment_is_recorded_as_failed_and_the_platform_is_told_so(world, client):
    payment = world.payment(world.receive(), provider="national")
    response = confirm(client, payment.reference, payment.amount, "", status="24")
    assert response.status_code == 200
    assert response.json()["outcome"] == "failed"
    assert "failed" in response.json()["message"]
    payment.refresh_from_db()
    assert payment.state == Payment.State.FAILED
