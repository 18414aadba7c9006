"""Signed messages verify; a change after signing fails and says which part changed."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, Encoding, pkcs12
from lxml import etree
from signxml import DigestAlgorithm, SignatureMethod, XMLSigner

from onestop.exchange.edxml import (
    Attachment,
    Document,
    EdxmlError,
    Organ,
    Reason,
    Status,
    StatusCode,
    add_trace,
    build,
)
from onestop.exchange.keys import Credentials, load_certificates, load_credentials, make_demo_ca
from onestop.exchange.signing import sign_message, verify_message

from .conftest import CITY, JUSTICE, SAMPLES


def document() -> Document:
    return Document(
        sender=Organ(CITY, "UBND thành phố Cần Thơ"), to=[Organ(JUSTICE, "Sở Tư pháp")],
        code_number="1234", code_notation="UBND-VP",
        promulgation_date=datetime.date(2026, 3, 2), subject="Về việc liên thông",
        attachments=[
            Attachment(name="quyet-dinh.pdf", content_type="application/pdf", data=b"%PDF-1"),
            Attachment(name="phu-luc.txt", content_type="text/plain", data=b"phu luc",
                       zipped=True),
        ],
    )


def refused(data: bytes, anchors: list) -> EdxmlError:
    with pytest.raises(EdxmlError) as info:
        verify_message(data, anchors=anchors)
    return info.value


def test_a_signed_document_verifies_and_names_its_signer(city_key: Credentials,
                                                         anchors: list) -> None:
    verified = verify_message(sign_message(document(), city_key), anchors=anchors)
    assert CITY in verified.signer_subject and "(demo)" in verified.signer_subject
    assert verified.message.summary() == document().summary()


def test_a_signed_status_verifies(city_key: Credentials, anchors: list) -> None:
    status = Status(sender=Organ(CITY), document_id=document().document_id,
                    status_code=StatusCode.AGREED,
                    timestamp=datetime.datetime(2026, 3, 3, tzinfo=datetime.UTC))
    assert verify_message(sign_message(status, city_key), anchors=anchors).message.kind == "status"


def test_a_hop_adding_a_trace_header_keeps_the_signature_valid(city_key: Credentials,
                                                               anchors: list) -> None:
    signed = sign_message(document(), city_key)
    relayed = add_trace(signed, organ_id=JUSTICE, at=datetime.datetime.now(datetime.UTC))
    verified = verify_message(relayed, anchors=anchors)
    assert isinstance(verified.message, Document)
    assert [t.organ_id for t in verified.message.traces] == [JUSTICE]


@pytest.mark.parametrize(("before", "after", "part"), [
    ("Về việc liên thông", "Về việc khác", "MessageHeader"),
    ("<edXML:BussinessDocType>0<", "<edXML:BussinessDocType>1<", "Bussiness"),
    ("JVBERi0x", "JVBERi0y", "quyet-dinh.pdf"),
])
def test_a_change_after_signing_fails_naming_the_part(city_key: Credentials, anchors: list,
                                                      before: str, after: str,
                                                      part: str) -> None:
    signed = sign_message(document(), city_key)
    assert before.encode() in signed
    error = refused(signed.replace(before.encode(), after.encode(), 1), anchors)
    assert error.reason == Reason.BAD_SIGNATURE
    assert part in str(error) and "changed after signing" in str(error)


def test_an_attachment_added_after_signing_is_not_covered(city_key: Credentials,
                                                          anchors: list) -> None:
    root = etree.fromstring(sign_message(document(), city_key))
    encoded = root[-1]
    extra = etree.fromstring(etree.tostring(encoded[0]))
    extra.set("Id", "att-extra")
    encoded.append(extra)
    error = refused(etree.tostring(root), anchors)
    assert error.reason == Reason.BAD_SIGNATURE and "does not cover" in str(error)


def test_a_certificate_of_another_ca_is_not_trusted(city_key: Credentials,
                                                    tmp_path: Path) -> None:
    other = load_certificates(make_demo_ca(tmp_path, {}))
    error = refused(sign_message(document(), city_key), other)
    assert error.reason == Reason.UNTRUSTED


def test_an_unsigned_message_is_refused_as_unsigned(anchors: list) -> None:
    assert refused(build(document()), anchors).reason == Reason.UNSIGNED
    sample = (SAMPLES / "sdk_new_document.edxml").read_bytes()
    assert refused(sample, anchors).reason == Reason.UNSIGNED


def test_a_whole_document_signature_by_another_system_verifies(city_key: Credentials,
                                                               anchors: list) -> None:
    # Another system signs the SDK sample with one reference to the whole message (URI "").
    root = etree.fromstring((SAMPLES / "sdk_new_document.edxml").read_bytes())
    signed = XMLSigner(signature_algorithm=SignatureMethod.RSA_SHA256,
                       digest_algorithm=DigestAlgorithm.SHA256).sign(
        root, key=city_key.key,
        cert=[c.public_bytes(Encoding.PEM).decode() for c in city_key.chain])
    data = etree.tostring(signed)
    assert verify_message(data, anchors=anchors).message.kind == "document"
    error = refused(data.replace(b"<ContentId>9f1c2d3e-0001<", b"<ContentId>9f1c2d3e-0002<"),
                    anchors)
    assert "whole message" in str(error)


def test_keys_load_from_pkcs12(city_key: Credentials, anchors: list, tmp_path: Path) -> None:
    p12 = tmp_path / "agency.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"agency", city_key.key, city_key.certificate, None,  # type: ignore[arg-type]
        BestAvailableEncryption(b"s3cret")))
    credentials = load_credentials(p12, password=b"s3cret")
    assert verify_message(sign_message(document(), credentials), anchors=anchors)
    with pytest.raises(EdxmlError):
        load_credentials(p12, password=b"wrong")
