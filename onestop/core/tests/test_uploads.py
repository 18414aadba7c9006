"""Uploads are recognised by their bytes, never by their name, and kept within limits."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onestop.core.errors import ValidationFailed
from onestop.core.uploads import JPEG, PDF, PNG, check_upload, sniff
from onestop.testing import PDF_BYTES

JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.mark.parametrize(("data", "kind"), [(PDF_BYTES, PDF), (JPEG_BYTES, JPEG),
                                            (PNG_BYTES, PNG)])
def test_pdf_jpeg_and_png_are_recognised_whatever_their_name(data, kind):
    upload = SimpleUploadedFile("scan.txt", data, content_type="text/plain")
    assert check_upload(upload) == kind
    assert upload.read(4) == data[:4]  # left at the start for whoever stores it


@pytest.mark.parametrize("data", [
    b"Hello, I am plain text pretending to be a PDF\n",
    b"PK\x03\x04 a zip or docx",
    b"GIF89a\x01\x00",
    b" %PDF-1.7 with junk before",
])
def test_other_content_renamed_to_pdf_is_refused(data):
    upload = SimpleUploadedFile("to-khai.pdf", data, content_type="application/pdf")
    with pytest.raises(ValidationFailed) as exc:
        check_upload(upload)
    assert "to-khai.pdf" in str(exc.value)


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.ONESTOP_UPLOAD_MAX_BYTES = 100
    assert check_upload(SimpleUploadedFile("a.pdf", PDF_BYTES)) == PDF
    with pytest.raises(ValidationFailed):
        check_upload(SimpleUploadedFile("big.pdf", PDF_BYTES + b"\x00" * 100))


def test_the_file_count_limit_is_enforced(settings):
    settings.ONESTOP_UPLOAD_MAX_FILES = 2
    assert check_upload(SimpleUploadedFile("a.png", PNG_BYTES), files_already=1) == PNG
    with pytest.raises(ValidationFailed):
        check_upload(SimpleUploadedFile("b.png", PNG_BYTES), files_already=2)


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationFailed):
        check_upload(SimpleUploadedFile("empty.pdf", b""))


def test_sniff_needs_the_signature_at_the_start():
    assert sniff(b"%PDF-") == PDF
    assert sniff(b"") is None
    assert sniff(b"\x89PNG") is None  # truncated signature
