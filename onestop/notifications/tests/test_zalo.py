"""Zalo ZNS: the real client against the local STAND-IN (a real HTTP server), consent,
signed callbacks, SMS fallback and exactly-once."""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Iterator

import pytest
from django.utils import timezone

from onestop.accounts.models import User
from onestop.dossiers import services as svc
from onestop.notifications import services as notify
from onestop.notifications.models import Delivery, ZaloCallback, ZaloConsent, ZaloTemplate
from onestop.notifications.zalo import normalise_phone
from onestop.notifications.zalo_standin import APP_ID, OA_SECRET, TOKEN, ZaloStandIn

pytestmark = pytest.mark.django_db


@pytest.fixture
def standin(settings) -> Iterator[ZaloStandIn]:
    with ZaloStandIn() as server:
        settings.ONESTOP_ZALO_URL = server.url
        settings.ONESTOP_ZALO_TOKEN = TOKEN
        settings.ONESTOP_ZALO_APP_ID = APP_ID
        settings.ONESTOP_ZALO_OA_SECRET = OA_SECRET
        settings.ONESTOP_NOTIFY_TIMEOUT = 2
        settings.ONESTOP_SMS_PROVIDER = "console"
        yield server


@pytest.fixture
def citizen(db) -> User:
    user = User.objects.create_user(username="citizen", password="x-pass-123",
                                    email="an@example.vn", phone="0912345678",
                                    full_name="Nguyễn Văn An")
    notify.preference_update(user=user, email=False, sms=False, in_app=False, push=False)
    ZaloTemplate.objects.create(event="received", language="vi", template_id="301001",
                                params={"ma_ho_so": "code", "ten_thu_tuc": "procedure",
                                        "ngay_hen": "appointment"})
    return user


def _received(city, citizen):
    d = svc.dossier_submit_online(filing=city.filing(account=citizen))
    return svc.dossier_receive(dossier_id=d.pk, officer=city.officer)


def _zalo_rows(dossier):
    return list(Delivery.objects.filter(dossier=dossier, channel="zalo"))


def test_vietnamese_numbers_are_normalised_to_84():
    assert normalise_phone("0912 345 678") == "84912345678"
    assert normalise_phone("+84 912-345-678") == "84912345678"
    assert normalise_phone("84912345678") == "84912345678"
    assert normalise_phone("12") == ""
    assert normalise_phone("+1 202 555 0100") == ""


def test_no_consent_no_zalo_message(city, citizen, standin):
    d = _received(city, citizen)
    assert _zalo_rows(d) == []
    assert standin.received == []


def test_linked_citizen_gets_the_template_message_through_the_standin(city, citizen, standin):
    consent = notify.zalo_link(user=citizen, phone="0912 345 678")
    assert consent.phone == "84912345678" and consent.agreed_at is not None
    d = _received(city, citizen)
    [row] = _zalo_rows(d)
    assert notify.deliver(delivery_id=row.pk) == "sent"
    [request] = standin.received
    assert request["headers"]["access_token"] == TOKEN
    body = request["body"]
    assert body["phone"] == "84912345678" and body["template_id"] == "301001"
    assert body["template_data"]["ma_ho_so"] == d.code
    assert body["tracking_id"] == row.message_id
    row.refresh_from_db()
    assert row.provider_message_id


def test_unlinking_stops_sending_and_keeps_the_consent_record(city, citizen, standin):
    notify.zalo_link(user=citizen, phone="0912345678")
    d = _received(city, citizen)
    [pending] = _zalo_rows(d)
    notify.zalo_unlink(user=citizen)
    assert notify.deliver(delivery_id=pending.pk) == "failed"
    _received(city, citizen)  # a new event after unlinking writes nothing for Zalo
    assert standin.received == []
    assert Delivery.objects.filter(channel="zalo").count() == 1
    consent = ZaloConsent.objects.get(user=citizen)
    assert consent.withdrawn_at is not None


def _sent_row(city, citizen):
    notify.zalo_link(user=citizen, phone="0912345678")
    d = _received(city, citizen)
    [row] = _zalo_rows(d)
    notify.deliver(delivery_id=row.pk)
    row.refresh_from_db()
    return row


def _post(client, body: bytes, sig: str):
    return client.post("/zalo/callback/", data=body, content_type="application/json",
                       HTTP_X_ZEVENT_SIGNATURE=sig)


def test_delivered_callback_is_recorded_once(city, citizen, standin, client):
    row = _sent_row(city, citizen)
    body, sig = standin.callback_for(row.provider_message_id)
    assert _post(client, body, sig).status_code == 200
    row.refresh_from_db()
    assert row.provider_status == "delivered"
    again = _post(client, body, sig)  # Zalo repeats a callback it thinks was lost
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    assert list(ZaloCallback.objects.values_list("outcome", flat=True).order_by("id")) == [
        "accepted", "duplicate"]


def test_failed_callback_falls_back_to_sms_once(city, citizen, standin, client):
    row = _sent_row(city, citizen)
    body, sig = standin.callback_for(row.provider_message_id, fate="failed")
    assert _post(client, body, sig).status_code == 200
    body2, sig2 = standin.callback_for(row.provider_message_id, fate="failed")
    _post(client, body2, sig2)
    row.refresh_from_db()
    assert row.provider_status == "failed" and "did not receive" in row.last_error
    [sms] = Delivery.objects.filter(event_key=row.event_key, channel="sms")
    assert sms.address == "0912345678" and sms.recipient == row.recipient


def test_forged_callback_is_refused_and_recorded(city, citizen, standin, client):
    row = _sent_row(city, citizen)
    body, sig = standin.callback_for(row.provider_message_id)
    forged = body.replace(b"user_received_message", b"zns_message_failed")
    response = _post(client, forged, sig)
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.provider_status == ""
    assert ZaloCallback.objects.get().outcome == "forged"
    assert _post(client, body, "mac=" + "0" * 64).status_code == 403


def test_replayed_old_callback_is_refused(city, citizen, standin, client):
    row = _sent_row(city, citizen)
    old = int((timezone.now() - datetime.timedelta(hours=2)).timestamp() * 1000)
    body, sig = standin.callback_for(row.provider_message_id, timestamp_ms=old)
    response = _post(client, body, sig)
    assert response.status_code == 409
    assert ZaloCallback.objects.get().outcome == "stale"
    row.refresh_from_db()
    assert row.provider_status == ""


def test_callback_for_an_unknown_message_is_refused_with_its_reason(standin, client):
    body, sig = standin.callback_for("not-ours")
    response = _post(client, body, sig)
    assert response.status_code == 404
    assert "not-ours" in ZaloCallback.objects.get(outcome="unknown").reason


def test_unknown_phone_falls_back_to_sms_with_the_reason(city, citizen, standin):
    standin.unknown_phones.add("84912345678")
    notify.zalo_link(user=citizen, phone="0912345678")
    d = _received(city, citizen)
    [row] = _zalo_rows(d)
    assert notify.deliver(delivery_id=row.pk) == "failed"
    row.refresh_from_db()
    assert "-118" in row.last_error
    [sms] = Delivery.objects.filter(event_key=row.event_key, channel="sms")
    assert notify.deliver(delivery_id=sms.pk) == "sent"


def test_no_fallback_when_the_setting_is_off(city, citizen, standin, settings):
    settings.ONESTOP_ZALO_SMS_FALLBACK = False
    standin.unknown_phones.add("84912345678")
    notify.zalo_link(user=citizen, phone="0912345678")
    [row] = _zalo_rows(_received(city, citizen))
    notify.deliver(delivery_id=row.pk)
    assert not Delivery.objects.filter(event_key=row.event_key, channel="sms").exists()


def test_retry_after_a_failure_sends_one_message(city, citizen, standin):
    notify.zalo_link(user=citizen, phone="0912345678")
    [row] = _zalo_rows(_received(city, citizen))
    standin.set_mode("down", times=1)
    assert notify.deliver(delivery_id=row.pk) == "pending"
    later = timezone.now() + datetime.timedelta(hours=1)
    assert notify.deliver(delivery_id=row.pk, now=later) == "sent"
    assert notify.deliver(delivery_id=row.pk, now=later) == "sent"  # a task run twice
    # A worker that died after Zalo took the message sends it again with the same
    # tracking_id: the stand-in (like a provider that de-duplicates) keeps one message.
    Delivery.objects.filter(pk=row.pk).update(state="pending", next_attempt_at=later)
    assert notify.deliver(delivery_id=row.pk, now=later) == "sent"
    assert len(standin.received) == 3 and len(standin.sent) == 1


def test_timeout_is_retried_later(city, citizen, standin, settings):
    settings.ONESTOP_NOTIFY_TIMEOUT = 0.3
    notify.zalo_link(user=citizen, phone="0912345678")
    [row] = _zalo_rows(_received(city, citizen))
    standin.set_mode("timeout", times=1)
    assert notify.deliver(delivery_id=row.pk) == "pending"
    row.refresh_from_db()
    assert "unreachable" in row.last_error or "timed out" in row.last_error


def test_standin_posts_a_late_signed_callback(city, citizen, standin, live_server):
    standin.callback_url = live_server.url + "/zalo/callback/"
    standin.delay = 0.2
    row = _sent_row(city, citizen)
    for _ in range(50):
        if standin.callbacks:
            break
        time.sleep(0.1)
    assert standin.callbacks == [(200, row.provider_message_id)]
    row.refresh_from_db()
    assert row.provider_status == "delivered"


def test_link_refuses_a_number_that_is_not_vietnamese(citizen):
    from onestop.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        notify.zalo_link(user=citizen, phone="12345")
    assert json.dumps(list(ZaloConsent.objects.values())) == "[]"


def test_citizen_links_and_unlinks_zalo_on_the_preferences_page(citizen, standin, client):
    client.force_login(citizen)
    page = client.get("/tai-khoan/thong-bao/")
    assert b'name="zalo_link"' in page.content
    client.post("/tai-khoan/thong-bao/", {"zalo_link": "1", "zalo_phone": "0912345678"})
    assert notify.zalo_consent_of(citizen) is None  # no tick, no consent
    client.post("/tai-khoan/thong-bao/", {"zalo_link": "1", "zalo_phone": "0912345678",
                                          "zalo_consent": "1"})
    assert notify.zalo_consent_of(citizen).phone == "84912345678"
    assert b"84912345678" in client.get("/tai-khoan/thong-bao/").content
    client.post("/tai-khoan/thong-bao/", {"zalo_unlink": "1"})
    assert notify.zalo_consent_of(citizen) is None
    assert ZaloConsent.objects.filter(user=citizen).count() == 1
