"""Bad messages are refused with a reason and a message that says what is wrong."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest

from onestop.exchange.edxml import EdxmlError, Reason, parse

from .conftest import SAMPLES

SDK = (SAMPLES / "sdk_new_document.edxml").read_bytes()


def refused(data: bytes, **kwargs: int) -> EdxmlError:
    with pytest.raises(EdxmlError) as info:
        parse(data, **kwargs)
    return info.value


def test_xml_that_is_not_well_formed_is_refused_as_malformed() -> None:
    error = refused(SDK[:-40])
    assert error.reason == Reason.MALFORMED and "well-formed" in str(error)


def test_a_doctype_is_refused_and_no_entity_is_expanded() -> None:
    evil = (b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&x;</edXML>')
    error = refused(evil)
    assert error.reason == Reason.MALFORMED
    assert "root:" not in str(error)


def test_a_message_over_the_limit_is_refused_before_it_is_parsed() -> None:
    error = refused(SDK, max_bytes=1024)
    assert error.reason == Reason.TOO_LARGE and "1024" in str(error)


def test_an_attachment_that_unpacks_past_the_limit_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"0" * 2_000_000)
    bomb = base64.b64encode(buffer.getvalue())
    start = SDK.index(b"<ContentTransferEncoded>") + len(b"<ContentTransferEncoded>")
    end = SDK.index(b"</ContentTransferEncoded>")
    error = refused(SDK[:start] + bomb + SDK[end:], max_bytes=1_000_000)
    assert error.reason == Reason.TOO_LARGE and "congvan-1234.txt" in str(error)


def test_another_root_element_is_not_edxml() -> None:
    error = refused(b"<invoice xmlns='urn:x'/>")
    assert error.reason == Reason.NOT_EDXML


@pytest.mark.parametrize(("cut", "element"), [
    ("<edXML:Subject>V/v triển khai liên thông đăng ký khai sinh, thường trú, cấp thẻ BHYT"
     "</edXML:Subject>".encode(), "Subject"),
    (b"<edXML:CodeNumber>1234</edXML:CodeNumber>", "Code/CodeNumber"),
    (b"<edXML:PromulgationDate>2026/03/02</edXML:PromulgationDate>",
     "PromulgationInfo/PromulgationDate"),
])
def test_a_missing_required_element_is_named(cut: bytes, element: str) -> None:
    assert cut in SDK
    error = refused(SDK.replace(cut, b""))
    assert error.reason == Reason.MISSING and element in str(error)


def test_a_subject_over_500_characters_is_refused() -> None:
    start = SDK.index(b"<edXML:Subject>") + len(b"<edXML:Subject>")
    end = SDK.index(b"</edXML:Subject>")
    error = refused(SDK[:start] + ("ạ" * 501).encode() + SDK[end:])
    assert error.reason == Reason.INVALID and "500" in str(error)


def test_an_unknown_business_type_is_refused() -> None:
    error = refused(SDK.replace(b"<edXML:BussinessDocType>0<", b"<edXML:BussinessDocType>7<"))
    assert error.reason == Reason.INVALID and "BussinessDocType" in str(error)


def test_bad_base64_is_refused_naming_the_attachment() -> None:
    start = SDK.index(b"<ContentTransferEncoded>") + len(b"<ContentTransferEncoded>")
    error = refused(SDK[:start] + b"!!" + SDK[start:])
    assert error.reason == Reason.INVALID and "congvan-1234.txt" in str(error)


def test_the_reason_reads_in_vietnamese() -> None:
    from django.utils import translation

    with translation.override("vi"):
        error = refused(SDK.replace(b"<edXML:CodeNumber>1234</edXML:CodeNumber>", b""))
        assert str(error) == "Thiếu thành phần Code/CodeNumber hoặc thành phần này để trống."
