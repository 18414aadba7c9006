"""The specialist attaches a draft result; the leader sees it before approving and signs
that very file; the approved result is what the officer returns; the applicant never sees
a draft."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from onestop.accounts.services import citizen_sign_up
from onestop.core.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from onestop.dossiers import services as svc
from onestop.dossiers.models import Dossier, DossierDocument, Status
from onestop.dossiers.selectors import my_document, my_dossier
from onestop.signatures.verify import verify_pdf
from onestop.testing import PDF_BYTES, vn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _certificate_pdf(text: str = "GIẤY KHAI SINH – bản dự thảo") -> bytes:
    import weasyprint

    return weasyprint.HTML(string=f"<h1>{text}</h1><p>Họ và tên: Trần Minh Khôi</p>").write_pdf()


def _in_review(city, **applicant) -> Dossier:
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(**applicant),
                                      at=vn(2026, 3, 2, 8))
    return svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 2, 9))


def _attach(city, d, data, name="giay-khai-sinh.pdf"):
    return svc.dossier_draft_result(dossier_id=d.pk, actor=city.specialist,
                                    file=SimpleUploadedFile(name, data), note="Xin ký",
                                    at=vn(2026, 3, 2, 14))


def test_the_leader_signs_the_specialists_draft_as_the_result(city, signing):
    signing.signer(agency=city.justice, user=city.leader, position="Giám đốc")
    d = _in_review(city)
    _attach(city, d, _certificate_pdf("Bản nháp cũ"))
    _attach(city, d, _certificate_pdf())  # a corrected draft: the latest one counts
    svc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist, at=vn(2026, 3, 3, 9))
    svc.dossier_approve(dossier_id=d.pk, actor=city.leader, at=vn(2026, 3, 3, 10))
    result = DossierDocument.objects.get(dossier=d, kind=DossierDocument.Kind.RESULT)
    data = result.file.read()
    assert verify_pdf(data).ok
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "GIẤY KHAI SINH" in text and "Bản nháp cũ" not in text
    d.refresh_from_db()
    assert d.status == Status.RESULT_READY


def test_without_a_key_the_approved_draft_is_the_result_the_officer_returns(city, settings):
    settings.ONESTOP_SIGNATURE_REQUIRED = False
    d = _in_review(city)
    draft = _attach(city, d, _certificate_pdf())
    svc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist, at=vn(2026, 3, 3, 9))
    svc.dossier_approve(dossier_id=d.pk, actor=city.leader, at=vn(2026, 3, 3, 10))
    result = DossierDocument.objects.get(dossier=d, kind=DossierDocument.Kind.RESULT)
    assert result.file.name == draft.file.name
    svc.dossier_return_result(dossier_id=d.pk, officer=city.officer, at=vn(2026, 3, 3, 14))
    assert Dossier.objects.get(pk=d.pk).status == Status.RETURNED


def test_only_a_specialist_attaches_a_pdf_draft_while_the_dossier_is_in_process(city):
    d = _in_review(city)
    with pytest.raises(NotAllowed):
        svc.dossier_draft_result(dossier_id=d.pk, actor=city.officer,
                                 file=SimpleUploadedFile("k.pdf", PDF_BYTES))
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with pytest.raises(ValidationFailed):
        _attach(city, d, png, name="scan.png")
    received = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                             at=vn(2026, 3, 2, 8))
    with pytest.raises(InvalidTransition):  # status 2: not in process yet
        _attach(city, received, PDF_BYTES)
    assert not DossierDocument.objects.filter(kind=DossierDocument.Kind.DRAFT_RESULT).exists()


def test_the_applicant_never_sees_a_draft_result(city):
    citizen = citizen_sign_up(full_name="Nguyễn Văn An", cccd="092090001234",
                              phone="0912345678", password="mat-khau-rat-dai-2026")
    d = _in_review(city, account=citizen)
    draft = _attach(city, d, PDF_BYTES)
    mine = my_dossier(user=citizen, pk=d.pk)
    assert draft.pk not in [doc.pk for doc in mine.documents.all()]
    with pytest.raises(NotFound):
        my_document(user=citizen, dossier_pk=d.pk, doc_pk=draft.pk)
