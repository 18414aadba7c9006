"""POST /api/v1/signatures/verify (upload) and GET …?code= answer what the portal page does."""

from __future__ import annotations

import pytest
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
                             signer=signer, kind="result", reference="HS-API-1",
                             object_type="dossier", object_id=1, title="Giấy chứng nhận",
                             reason="Phê duyệt", slot=DEFAULT_SLOT)


def test_an_uploaded_pdf_is_checked(client, city, signed):
    data = signed.file.read()
    r = client.post("/api/v1/signatures/verify",
                    {"file": SimpleUploadedFile("a.pdf", data, "application/pdf")})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["ok"] and body["issued_here"]
    (s,) = body["signatures"]
    assert s["signer_name"] == city.leader.display_name and s["trusted"] and s["intact"]
    at = data.index(b"stream") + 40
    r = client.post("/api/v1/signatures/verify", {"file": SimpleUploadedFile(
        "a.pdf", data[:at] + bytes([data[at] ^ 1]) + data[at + 1:], "application/pdf")})
    assert r.status_code == 200 and not r.json()["ok"]


def test_garbage_is_a_400_with_a_message(client):
    r = client.post("/api/v1/signatures/verify",
                    {"file": SimpleUploadedFile("a.pdf", b"junk", "application/pdf")})
    assert r.status_code == 400 and r.json()["message"]


def test_a_code_lists_what_was_signed_for_it(client, signed):
    r = client.get("/api/v1/signatures/verify", {"code": "HS-API-1"})
    assert r.status_code == 200
    (doc,) = r.json()["documents"]
    assert doc["kind"] == "result" and doc["unchanged"] and doc["report"]["ok"]
    assert client.get("/api/v1/signatures/verify", {"code": "x"}).json()["documents"] == []
