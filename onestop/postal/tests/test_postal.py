"""Postal return of a result: the hand-over to the postal service (through the real client
and the local STAND-IN over HTTP) and the signed status callbacks."""

from __future__ import annotations

import json
import time

import pytest

from onestop.core.errors import ValidationFailed
from onestop.dossiers.models import Dossier, ResultDelivery, Status
from onestop.dossiers.selectors.timeline import dossier_timeline
from onestop.payments.models import FeeItem
from onestop.postal import services
from onestop.postal.models import Callback, DeliveryAddress, Shipment
from onestop.postal.providers.base import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from onestop.postal.standin import SECRET, callbacks_for
from onestop.testing import vn

from .conftest import ADDRESS

pytestmark = pytest.mark.django_db(transaction=False)
URL = "/postal/callback/standin/"


def _post(client, body, headers):
    extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()
             if k != "Content-Type"}
    return client.post(URL, data=body, content_type="application/json", **extra)


def _labels(d):
    from django.utils import translation
    translation.activate("en")  # a request through the client switched to Vietnamese
    return [e.label for e in dossier_timeline(dossier=d)]


def test_choosing_delivery_by_post_records_the_address_on_the_dossier(city, ready_by_post):
    d = ready_by_post
    assert d.result_delivery == ResultDelivery.POST
    assert DeliveryAddress.objects.get(dossier=d).province == "Cần Thơ"
    assert "Result to be delivered by post" in _labels(d)


def test_a_stranger_cannot_choose_delivery_for_someone_elses_dossier(city, ready_by_post):
    from onestop.core.errors import NotAllowed
    from onestop.testing import make_user
    stranger = make_user("someone", "Người Lạ")
    with pytest.raises(NotAllowed):
        services.delivery_choose(dossier_id=ready_by_post.pk, actor=stranger, address=ADDRESS)


def test_hand_over_creates_a_shipment_with_tracking_code_and_a_fee_item(city, ready_by_post,
                                                                        standin):
    s = services.hand_over(dossier_id=ready_by_post.pk, officer=city.officer, fee=30000,
                           at=vn(2026, 3, 5, 9))
    assert s.status == Shipment.Status.HANDED_OVER
    assert s.tracking_code and s.tracking_code.endswith("VN")
    item = FeeItem.objects.get(pk=s.fee_item_id)
    assert (item.amount, item.state) == (30000, FeeItem.State.OPEN)
    assert item.dossier_link.dossier_id == ready_by_post.pk
    sent = standin.state.received[-1]["body"]["informationOrder"]
    assert sent["saleOrderCode"] == ready_by_post.code
    assert sent["receiverAddress"] == ADDRESS.address
    entry = [e for e in dossier_timeline(dossier=ready_by_post)
             if e.label == "Result handed to the postal service"]
    assert entry and s.tracking_code in entry[0].reason


def test_a_second_hand_over_is_refused_while_the_first_is_with_the_post(city, ready_by_post,
                                                                         standin):
    services.hand_over(dossier_id=ready_by_post.pk, officer=city.officer)
    with pytest.raises(ValidationFailed):
        services.hand_over(dossier_id=ready_by_post.pk, officer=city.officer)
    assert Shipment.objects.count() == 1


def test_a_refused_address_is_recorded_with_the_reason_and_the_fee_cancelled(
        city, ready_by_post, standin):
    DeliveryAddress.objects.filter(dossier=ready_by_post).update(
        address="Đảo xa, KHÔNG PHÁT ĐƯỢC")
    with pytest.raises(ValidationFailed) as err:
        services.hand_over(dossier_id=ready_by_post.pk, officer=city.officer)
    assert "refused" in str(err.value.message)
    s = Shipment.objects.get()
    assert s.status == Shipment.Status.REFUSED and "không phục vụ" in s.reason
    assert FeeItem.objects.get(pk=s.fee_item_id).state == FeeItem.State.CANCELLED
    assert "The postal service refused the shipment" in _labels(ready_by_post)


def test_a_postal_service_that_times_out_leaves_nothing_handed_over(city, ready_by_post,
                                                                     standin):
    standin.state.mode, standin.state.delay = "timeout", 3
    started = time.monotonic()
    with pytest.raises(ValidationFailed) as err:
        services.hand_over(dossier_id=ready_by_post.pk, officer=city.officer)
    assert time.monotonic() - started < 2.5  # the client's 1 s timeout, not the 3 s sleep
    assert "in time" in str(err.value.message % err.value.params)
    s = Shipment.objects.get()
    assert s.status == Shipment.Status.ERROR and s.tracking_code is None
    # It may be handed over again once the postal service answers.
    standin.state.mode = "ok"
    again = services.hand_over(dossier_id=ready_by_post.pk, officer=city.officer)
    assert again.tracking_code


def test_a_postal_service_that_is_down_is_an_error_the_officer_sees(city, ready_by_post,
                                                                     standin):
    standin.state.mode = "down"
    with pytest.raises(ValidationFailed):
        services.hand_over(dossier_id=ready_by_post.pk, officer=city.officer)
    assert Shipment.objects.get().status == Shipment.Status.ERROR


def test_only_a_ready_result_the_applicant_wants_by_post_is_handed_over(city, standin):
    from onestop.dossiers import services as svc
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    with pytest.raises(ValidationFailed):
        services.hand_over(dossier_id=d.pk, officer=city.officer)
    Dossier.objects.filter(pk=d.pk).update(status=Status.RESULT_READY)
    with pytest.raises(ValidationFailed):  # still "at the counter"
        services.hand_over(dossier_id=d.pk, officer=city.officer)


def test_delivered_callbacks_move_the_shipment_and_return_the_result(client, city,
                                                                     ready_by_post, standin):
    s = services.hand_over(dossier_id=ready_by_post.pk, officer=city.officer)
    for body, headers in callbacks_for(s.tracking_code, "delivered"):
        assert _post(client, body, headers).status_code == 200
    s.refresh_from_db()
    ready_by_post.refresh_from_db()
    assert s.status == Shipment.Status.DELIVERED
    assert ready_by_post.status == Status.RETURNED and ready_by_post.returned_at
    labels = _labels(ready_by_post)
    assert labels[-3:] == ["Postal service accepted the shipment", "Shipment in transit",
                           "Result delivered by post"]
    assert Callback.objects.filter(outcome="applied").count() == 3


@pytest.mark.parametrize("journey, final", [("failed", Shipment.Status.FAILED),
                                            ("returned", Shipment.Status.RETURNED)])
def test_failed_and_returned_callbacks_keep_the_result_at_the_centre(client, city,
                                                                     ready_by_post, standin,
                                                                     journey, final):
    s = services.hand_over(dossier_id=ready_by_post.pk, officer=city.officer)
    for body, headers in callbacks_for(s.tracking_code, journey):
        assert _post(client, body, headers).status_code == 200
    s.refresh_from_db()
    ready_by_post.refresh_from_db()
    assert s.status == final
    assert ready_by_post.status == Status.RESULT_READY
    assert ("Postal delivery failed" if journey == "failed"
            else "Shipment returned to the centre") == _labels(ready_by_post)[-1]


def test_a_forged_callback_is_refused_and_recorded(client, city, ready_by_post, standin):
    s = services.hand_over(dossier_id=ready_by_post.pk, officer=city.officer)
    body, headers = callbacks_for(s.tracking_code, "delivered", secret="not-the-key")[2]
    assert _post(client, body, headers).status_code == 401
    s.refresh_from_db()
    assert s.status == Shipment.Status.HANDED_OVER
    log = Callback.objects.get()
    assert log.outcome == Callback.Outcome.FORGED and log.reason
    assert log in services.callbacks_refused()


def test_a_tampered_callback_body_is_refused(client, city, ready_by_post, standin):
    s = services.hand_over(dossier_id=ready_by_post.pk, officer=city.officer)
    body, headers = callbacks_for(s.tracking_code, "failed")[2]
    tampered = body.replace(b'"failed"', b'"delivered"')
    assert _post(client, tampered, headers).status_code == 401
    assert Shipment.objects.get().status == Shipment.Status.HANDED_OVER


def test_a_replayed_callback_is_applied_once(client, city, ready_by_post, standin):
    s = services.hand_over(dossier_id=ready_by_post.pk, officer=city.officer)
    first, second, _third = callbacks_for(s.tracking_code, "delivered")
    assert _post(client, *first).status_code == 200
    assert _post(client, *second).status_code == 200
    before = len(_labels(ready_by_post))
    again = _post(client, *first)  # the same signed event, sent again
    assert again.json()["result"] == "replayed"
    assert len(_labels(ready_by_post)) == before
    s.refresh_from_db()
    assert s.status == Shipment.Status.IN_TRANSIT  # not moved back to "accepted"


def test_a_callback_signed_long_ago_is_refused_as_replayed(client, city, ready_by_post,
                                                           standin):
    s = services.hand_over(dossier_id=ready_by_post.pk, officer=city.officer)
    body, headers = callbacks_for(s.tracking_code, "delivered", at=time.time() - 3600)[0]
    assert _post(client, body, headers).status_code == 401
    assert Callback.objects.get().outcome == Callback.Outcome.REPLAYED


def test_a_callback_for_an_unknown_shipment_is_recorded_for_the_officer(client, standin):
    body, headers = callbacks_for("EB999999999VN", "delivered")[2]
    assert _post(client, body, headers).status_code == 404
    log = Callback.objects.get()
    assert log.outcome == Callback.Outcome.UNKNOWN and log.tracking_code == "EB999999999VN"
    assert log in services.callbacks_refused()


def test_an_unreadable_signed_callback_is_recorded_as_malformed(client, standin):
    body = json.dumps({"ItemCode": "EB1VN", "Status": "lost"}).encode()
    ts = str(int(time.time()))
    headers = {TIMESTAMP_HEADER: ts, SIGNATURE_HEADER: sign(SECRET, ts, body)}
    assert _post(client, body, headers).status_code == 400
    assert Callback.objects.get().outcome == Callback.Outcome.MALFORMED
