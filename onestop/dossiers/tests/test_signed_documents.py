"""Results, apology letters (form 04), refusals (form 03) and stop notices (form 05) are
PAdES-signed PDFs made by the services; a certificate that cannot sign refuses the action."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
from cryptography import x509
from pypdf import PdfReader

from onestop.core.audit import audit_verify
from onestop.core.errors import ValidationFailed
from onestop.core.models import AuditEvent
from onestop.dossiers import services as svc
from onestop.dossiers.models import ApologyLetter, Dossier, DossierDocument, Status
from onestop.signatures import democa
from onestop.signatures.models import SignedDocument
from onestop.signatures.verify import verify_pdf
from onestop.testing import vn

pytestmark = pytest.mark.usefixtures("english")


def _at_approval(city) -> Dossier:
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 2, 9))
    return svc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist, at=vn(2026, 3, 3, 9))


def _result(d: Dossier) -> DossierDocument:
    return DossierDocument.objects.get(dossier=d, kind=DossierDocument.Kind.RESULT)


def test_approval_signs_the_result_with_the_leaders_key(city, signing):
    signing.signer(agency=city.justice, user=city.leader, position="Giám đốc")
    d = _at_approval(city)
    svc.dossier_approve(dossier_id=d.pk, actor=city.leader, at=vn(2026, 3, 3, 10))
    data = _result(d).file.read()
    report = verify_pdf(data)
    assert report.ok, report.as_dict()
    (check,) = report.signatures
    assert check.signer_name == city.leader.display_name and check.signer_unit == "Sở Tư pháp"
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Kết quả giải quyết thủ tục hành chính".upper() in text.upper()
    assert d.code in text and "Nguyễn Văn An" in text


def test_the_results_hash_is_in_the_audit_log(city, signing):
    signing.signer(agency=city.justice, user=city.leader)
    d = _at_approval(city)
    svc.dossier_approve(dossier_id=d.pk, actor=city.leader, at=vn(2026, 3, 3, 10))
    digest = hashlib.sha256(_result(d).file.read()).hexdigest()
    approve = AuditEvent.objects.get(action="dossier.approve", object_id=str(d.pk))
    sign = AuditEvent.objects.get(action="signature.sign", object_id=str(d.pk))
    assert approve.data["result_sha256"] == digest == sign.data["sha256"]
    assert audit_verify().ok


def test_the_signature_box_stands_in_the_signers_place(city, signing):
    signing.signer(agency=city.justice, user=city.leader)
    d = _at_approval(city)
    svc.dossier_approve(dossier_id=d.pk, actor=city.leader, at=vn(2026, 3, 3, 10))
    page = PdfReader(io.BytesIO(_result(d).file.read())).pages[-1]
    (widget,) = [a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig"]
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    # Right column of the signature table (Decree 30: the signer's side), a real box.
    assert x1 > 250 and x2 - x1 > 150 and y2 - y1 > 50


def test_an_expired_certificate_refuses_the_approval_and_changes_nothing(city, signing):
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=400)
    signing.signer(agency=city.justice, user=city.leader, not_before=past,
                   not_after=past + datetime.timedelta(days=30))
    d = _at_approval(city)
    with pytest.raises(ValidationFailed, match="expired"):
        svc.dossier_approve(dossier_id=d.pk, actor=city.leader, at=vn(2026, 3, 3, 10))
    d.refresh_from_db()
    assert d.status == Status.IN_PROCESS
    assert not DossierDocument.objects.filter(dossier=d, kind="result").exists()
    assert not SignedDocument.objects.exists()


def test_a_revoked_certificate_refuses_the_approval(city, signing):
    signer = signing.signer(agency=city.justice, user=city.leader)
    democa.revoke(signing.ca, x509.load_pem_x509_certificate(signer.certificate.encode()))
    d = _at_approval(city)
    with pytest.raises(ValidationFailed, match="revoked"):
        svc.dossier_approve(dossier_id=d.pk, actor=city.leader, at=vn(2026, 3, 3, 10))
    assert Dossier.objects.get(pk=d.pk).status == Status.IN_PROCESS


def test_without_a_key_approval_is_refused_when_signatures_are_required(city, settings):
    settings.ONESTOP_SIGNATURE_REQUIRED = True
    d = _at_approval(city)
    with pytest.raises(ValidationFailed, match="no digital signature key"):
        svc.dossier_approve(dossier_id=d.pk, actor=city.leader, at=vn(2026, 3, 3, 10))
    settings.ONESTOP_SIGNATURE_REQUIRED = False
    svc.dossier_approve(dossier_id=d.pk, actor=city.leader, at=vn(2026, 3, 3, 10))
    assert Dossier.objects.get(pk=d.pk).status == Status.RESULT_READY
    assert not SignedDocument.objects.exists()


def test_a_result_signed_on_a_softhsm2_token_verifies(city, token_signing):
    token_signing.token_signer(agency=city.justice, user=city.leader)
    d = _at_approval(city)
    svc.dossier_approve(dossier_id=d.pk, actor=city.leader, at=vn(2026, 3, 3, 10))
    report = verify_pdf(_result(d).file.read())
    assert report.ok, report.as_dict()


def test_the_signed_apology_letter_is_a_signed_form_04(city, signing):
    signing.signer(agency=city.justice, user=city.leader)
    d = _at_approval(city)
    letter = svc.apology_prepare(dossier_id=d.pk, at=vn(2026, 3, 3, 9, 30))
    assert letter is not None
    svc.apology_sign(letter_id=letter.pk, leader=city.leader, at=vn(2026, 3, 3, 9, 40))
    document = SignedDocument.objects.get(kind="apology", object_id=str(letter.pk))
    data = document.file.read()
    assert verify_pdf(data).ok
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Mẫu số 04" in text and "DỰ THẢO" not in text


def test_a_refused_signature_leaves_the_letter_a_draft(city, signing):
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=400)
    signing.signer(agency=city.justice, user=city.leader, not_before=past,
                   not_after=past + datetime.timedelta(days=30))
    d = _at_approval(city)
    letter = svc.apology_prepare(dossier_id=d.pk, at=vn(2026, 3, 3, 9, 30))
    with pytest.raises(ValidationFailed, match="expired"):
        svc.apology_sign(letter_id=letter.pk, leader=city.leader, at=vn(2026, 3, 3, 9, 40))
    assert ApologyLetter.objects.get(pk=letter.pk).state == ApologyLetter.State.DRAFT


def test_stop_notice_and_refusal_are_signed(city, signing):
    signing.signer(agency=city.justice, user=city.leader)
    signing.signer(agency=city.centre)  # the receiving unit's own key signs form 03
    d = _at_approval(city)
    svc.dossier_stop(dossier_id=d.pk, actor=city.leader, reason="Người nộp đề nghị dừng",
                     at=vn(2026, 3, 3, 10))
    refused = svc.dossier_refuse_at_counter(officer=city.officer, filing=city.filing(),
                                            reason="Không thuộc thẩm quyền",
                                            at=vn(2026, 3, 3, 11))
    stop = SignedDocument.objects.get(kind="stop", object_id=str(d.pk))
    refusal = SignedDocument.objects.get(kind="refusal", object_id=str(refused.pk))
    assert verify_pdf(stop.file.read()).ok
    report = verify_pdf(refusal.file.read())
    assert report.ok and report.signatures[0].signer_name == city.centre.name
    assert "/TCHS-" in refusal.reference  # no code: the form's number finds it


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_result_is_signed_before_the_lock_and_kept(city, signing):
    signing.signer(agency=city.justice, user=city.leader)
    d = _at_approval(city)
    svc.dossier_approve(dossier_id=d.pk, actor=city.leader, expected_version=d.version)
    assert verify_pdf(_result(d).file.read()).ok
    assert SignedDocument.objects.filter(kind="result").count() == 1
