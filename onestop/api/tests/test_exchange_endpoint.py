"""POST /api/v1/exchange/messages: signed documents are registered and answered 01; anything
else is refused with a 02 naming the reason, and kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from onestop.exchange.edxml import StatusCode, parse
from onestop.exchange.models import Direction, ExchangeMessage, OfficialDocument
from onestop.exchange.signing import sign_message
from onestop.exchange.tests.conftest import JUSTICE, SAMPLES
from onestop.exchange.tests.test_signatures import document

URL = "/api/v1/exchange/messages"


def post(data: bytes) -> Any:
    return Client().post(URL, data=data, content_type="application/xml")


def test_a_signed_document_is_registered_and_answered_arrived(exchange: Any,
                                                              city_key: Any) -> None:
    data = sign_message(document(), city_key)
    response = post(data)
    assert response.status_code == 200
    answer = parse(response.content)
    assert answer.kind == "status" and answer.status_code == StatusCode.ARRIVED
    assert answer.sender.organ_id == JUSTICE
    arrived = OfficialDocument.objects.get(agency=exchange.justice, direction=Direction.INCOMING)
    assert arrived.attachments.count() == 2
    assert post(data).status_code == 200  # a resent copy: answered again, entered once
    assert OfficialDocument.objects.filter(direction=Direction.INCOMING).count() == 1


@pytest.mark.parametrize(("make", "reason"), [
    (lambda key: (SAMPLES / "sdk_new_document.edxml").read_bytes(), "unsigned"),
    (lambda key: b"<edXML><not-closed></edXML>", "malformed"),
    (lambda key: sign_message(document(), key).replace("liên thông".encode(),
                                                       "khác".encode()), "bad_signature"),
])
def test_a_bad_message_is_refused_with_02_and_kept(exchange: Any, city_key: Any,
                                                   make: Any, reason: str) -> None:
    response = post(make(city_key))
    assert response.status_code == 422
    answer = parse(response.content)
    assert answer.kind == "status" and answer.status_code == StatusCode.REFUSED
    assert answer.description.startswith(f"{reason}:")
    kept = ExchangeMessage.objects.get(direction=Direction.INCOMING)
    assert kept.outcome == "refused" and kept.refusal_reason == reason
    assert not OfficialDocument.objects.exists()


def test_an_oversized_message_is_refused_before_parsing(exchange: Any, settings: Any) -> None:
    settings.ONESTOP_EDXML_MAX_BYTES = 2048
    response = post(b"<edXML>" + b" " * 5000 + b"</edXML>")
    assert response.status_code == 422
    assert parse(response.content).description.startswith("too_large:")


def test_only_post_is_accepted(db: None) -> None:
    assert Client().get(URL).status_code == 405
