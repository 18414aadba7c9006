"""Messages written by other systems (samples/README.md) are read as they were meant."""

from __future__ import annotations

import datetime

from onestop.exchange.edxml import BusinessType, Document, Status, StatusCode, parse

from .conftest import SAMPLES


def test_sdk_sample_with_both_namespace_forms_and_a_zipped_attachment_is_read() -> None:
    message = parse((SAMPLES / "sdk_new_document.edxml").read_bytes())
    assert isinstance(message, Document)
    assert message.document_id == "000.00.00.H92,2026/03/02,1234/UBND-VP"
    assert [o.organ_id for o in message.to] == ["000.01.00.H92", "000.02.00.H92"]
    assert message.promulgation_date == datetime.date(2026, 3, 2)
    assert message.due_date == datetime.date(2026, 3, 16)
    assert message.signer.position == "Chủ tịch"
    assert message.priority == 1
    assert message.business_type == BusinessType.NEW
    assert message.traces[0].organ_id == "000.00.00.H92"
    assert message.traces[0].timestamp == datetime.datetime(2026, 3, 2, 1, 15, tzinfo=datetime.UTC)
    (attachment,) = message.attachments
    assert attachment.zipped and attachment.name == "congvan-1234.txt"
    assert attachment.sha256 == "2f0cca0e3615c07b64fe1a7cac57e5b6966651e5520a9963d2baccfc247359c5"
    assert "Sở Tư pháp" in attachment.data.decode()


def test_gateway_sample_with_a_prefixed_content_and_no_document_id_is_read() -> None:
    message = parse((SAMPLES / "gateway_document.edxml").read_bytes())
    assert isinstance(message, Document)
    assert message.document_id == "000.00.31.H92,2026/04/10,57/BC-UBND"  # derived
    (attachment,) = message.attachments
    assert not attachment.zipped and attachment.content_type == "application/pdf"
    assert attachment.sha256 == "6a09bb5d4247b1c94182f2ae07b49abe47ba6ed9696ae757878c638108b11c3a"


def test_status_in_a_soap_envelope_answers_its_document() -> None:
    message = parse((SAMPLES / "soap_status.xml").read_bytes())
    assert isinstance(message, Status)
    assert message.status_code == StatusCode.REFUSED
    assert message.document_id == "000.00.00.H92,2026/03/02,1234/UBND-VP"
    assert message.response_organ_id == "000.00.00.H92"
    assert message.description == "Văn bản gửi nhầm đơn vị"
    assert message.summary()["from"] == {"organ_id": "000.01.00.H92",
                                         "organ_name": "Sở Tư pháp thành phố Cần Thơ"}
