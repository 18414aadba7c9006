"""Issue 17 item 1: every upload path, staff or citizen, page or API, goes through the one
upload check (core.uploads), and every stored file is served so that no browser runs it.

Before: results, counter scans and staff supplement scans skipped the check, and the back
office served them inline, so an `.html` or `.svg` "result" ran script in other staff
members' browsers.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onestop.core.errors import ValidationFailed
from onestop.dossiers import services as svc
from onestop.dossiers.models import DossierDocument, Status
from onestop.testing import PDF_BYTES

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
HTML = b"<!doctype html><html><body><script>fetch('/backoffice/')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _counter_filing(city, upload: Any):
    filing = city.filing()
    docs = [svc.SubmittedDocument(required_document_id=d.required_document_id,
                                  originals=d.originals, copies=d.copies,
                                  file=upload if i == 0 else None)
            for i, d in enumerate(filing.documents)]
    return svc.Filing(procedure_version=filing.procedure_version,
                      receiving_agency=filing.receiving_agency, applicant=filing.applicant,
                      documents=docs)


def _result_ready(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing())
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer)
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist)
    return svc.dossier_approve(dossier_id=d.pk, actor=city.leader)


@pytest.mark.parametrize("data", [HTML, SVG])
def test_a_counter_scan_that_is_not_a_pdf_or_image_is_refused(city, data, english):
    upload = SimpleUploadedFile("scan.pdf", data, content_type="application/pdf")
    with pytest.raises(ValidationFailed, match="not a PDF, JPEG or PNG"):
        svc.dossier_intake_at_counter(officer=city.officer, filing=_counter_filing(city, upload))
    assert not DossierDocument.objects.exists()


def test_a_counter_scan_is_stored_under_the_extension_of_what_it_is(city):
    upload = SimpleUploadedFile("scan.html", PDF_BYTES, content_type="text/html")
    dossier = svc.dossier_intake_at_counter(officer=city.officer,
                                            filing=_counter_filing(city, upload))
    stored = dossier.documents.exclude(file="").get()
    assert stored.file.name.endswith("/scan.pdf")


@pytest.mark.parametrize("data", [HTML, SVG])
def test_a_result_that_is_not_a_pdf_or_image_is_refused(city, data):
    d = _result_ready(city)
    with pytest.raises(ValidationFailed):
        svc.dossier_return_result(dossier_id=d.pk, officer=city.officer,
                                  result_file=SimpleUploadedFile("ket-qua.svg", data))
    d.refresh_from_db()
    assert d.status == Status.RESULT_READY
    assert not d.documents.filter(kind=DossierDocument.Kind.RESULT).exists()


def test_an_officers_supplement_scan_is_checked(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing())
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer)
    svc.dossier_request_supplement(dossier_id=d.pk, actor=city.specialist,
                                   reason="Thiếu bản sao", items="Bản sao giấy tờ")
    scan = svc.SubmittedDocument(required_document_id=None, name="Bổ sung",
                                 file=SimpleUploadedFile("bo-sung.html", HTML))
    with pytest.raises(ValidationFailed):
        svc.dossier_supplement_received(dossier_id=d.pk, actor=city.officer, documents=[scan])
    d.refresh_from_db()
    assert d.status == Status.SUPPLEMENT


def test_the_back_office_result_form_refuses_an_html_file_with_a_message(client, city):
    d = _result_ready(city)
    client.force_login(city.officer)
    response = client.post(reverse("backoffice:dossier_act", args=[d.pk, "return_result"]), {
        "return_result-version": d.version,
        "return_result-result_file": SimpleUploadedFile("result.html", HTML)})
    assert response.status_code == 400
    assert "không phải tệp PDF, JPEG hoặc PNG" in response.content.decode()


def test_the_staff_api_refuses_an_svg_result(client, city):
    d = _result_ready(city)
    token = client.post("/api/v1/auth/staff/token", {"login": city.officer.username,
                        "password": "test-pass-123"}, content_type="application/json"
                        ).json()["access_token"]
    response = client.post(f"/api/v1/staff/dossiers/{d.pk}/return",
                           {"expected_version": d.version,
                            "result": SimpleUploadedFile("result.svg", SVG)},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "validation_failed"


def _stored(dossier, data: bytes, name: str, kind=DossierDocument.Kind.SUBMITTED):
    # A file stored before the check existed (or put there some other way).
    return DossierDocument.objects.create(dossier=dossier, kind=kind, name="Cũ",
                                          file=ContentFile(data, name=name))


def test_the_back_office_serves_a_stored_html_file_as_a_download_that_runs_nothing(client, city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing())
    doc = _stored(d, HTML, "evil.html")
    client.force_login(city.specialist)
    response = client.get(reverse("backoffice:dossier_document", args=[d.pk, doc.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_a_stored_pdf_or_image_is_shown_inline_on_purpose_and_still_runs_nothing(client, city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing())
    pdf = _stored(d, PDF_BYTES, "giay-to.pdf")
    png = _stored(d, PNG_BYTES, "anh.svg")  # named svg, but its bytes are a PNG
    client.force_login(city.specialist)
    shown = client.get(reverse("backoffice:dossier_document", args=[d.pk, pdf.pk]))
    assert shown["Content-Type"] == "application/pdf"
    assert shown["Content-Disposition"].startswith("inline")
    assert "default-src 'none'" in shown["Content-Security-Policy"]
    image = client.get(reverse("backoffice:dossier_document", args=[d.pk, png.pk]))
    assert image["Content-Type"] == "image/png"
    assert image["Content-Security-Policy"].startswith("sandbox")
    assert 'filename="anh.png"' in image["Content-Disposition"]


def test_the_portal_and_the_api_serve_a_citizens_files_the_same_safe_way(client, city):
    from onestop.accounts.services import citizen_sign_up

    citizen = citizen_sign_up(full_name="Nguyễn Thị Hoa", cccd="092187001001",
                              phone="0900000001", email="hoa@example.com",
                              password="mat-khau-an-toan-2026")
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(
        name=citizen.full_name, id_number=citizen.cccd, phone=citizen.phone, account=citizen))
    doc = _stored(d, HTML, "to-khai.html")
    client.force_login(citizen)
    page = client.get(f"/ho-so-cua-toi/{d.pk}/tep/{doc.pk}/")
    assert page.status_code == 200, page.status_code
    assert (page["Content-Type"], page["X-Content-Type-Options"]) == (
        "application/octet-stream", "nosniff")
    assert page["Content-Disposition"].startswith("attachment")
    assert page["Content-Security-Policy"].startswith("sandbox")
