"""/xac-thuc/: anyone checks an uploaded PDF or a code; a changed byte shows; translated."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from onestop.signatures.layout import DEFAULT_SLOT
from onestop.signatures.services import document_sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(city, signing):
    import weasyprint

    signer = signing.signer(agency=city.justice, user=city.leader)
    with transaction.atomic():
        return document_sign(pdf=weasyprint.HTML(string="<p>Kết quả</p>").write_pdf(),
                             signer=signer, kind="result", reference="000.00.00.H99-260302-0001",
                             object_type="dossier", object_id=1, title="Giấy chứng nhận",
                             reason="Phê duyệt", slot=DEFAULT_SLOT)


def _upload(client, data: bytes, lang: str = "en"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client.post("/xac-thuc/", {"file": SimpleUploadedFile("kq.pdf", data,
                                                                 "application/pdf")},
                       )


def test_an_uploaded_signed_pdf_shows_who_signed_and_that_it_is_unchanged(client, city, signed):
    response = _upload(client, signed.file.read())
    assert response.status_code == 200
    body = response.content.decode()
    assert "The signature is valid" in body and city.leader.display_name in body
    assert "exactly the file issued here" in body and "DEMO certificate" in body


def test_a_changed_byte_is_reported_in_vietnamese(client, signed):
    data = signed.file.read()
    at = data.index(b"stream") + 40
    response = _upload(client, data[:at] + bytes([data[at] ^ 1]) + data[at + 1:], lang="vi")
    assert response.status_code == 422
    assert "Chữ ký KHÔNG hợp lệ" in response.content.decode()


def test_a_code_lists_the_documents_signed_for_it(client, city, signed):
    response = client.get("/xac-thuc/", {"code": signed.reference})
    assert response.status_code == 200
    (check,) = response.context["checks"]
    assert check.report.ok and check.unchanged
    assert client.get("/xac-thuc/", {"code": "nothing"}).context["checks"] == []


def test_a_file_that_is_not_a_pdf_is_a_clear_error(client):
    response = _upload(client, b"not a pdf")
    assert response.status_code == 400
    assert "not a readable PDF" in response.content.decode()
