"""The applicant's own account may answer a supplement request (portal upload); nobody else
without the officer's role may."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from onestop.accounts.models import User
from onestop.core.errors import NotAllowed, ValidationFailed
from onestop.dossiers import services as svc
from onestop.dossiers.models import Status
from onestop.testing import vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(city):
    """An online dossier by a citizen account, received, handed over, supplement asked."""
    citizen = User.objects.create_user(username="citizen-1", password="x", full_name="An")
    filing = city.filing()
    filing = type(filing)(procedure_version=filing.procedure_version,
                          receiving_agency=filing.receiving_agency,
                          applicant=svc.Applicant(name="Nguyễn Văn An", account=citizen),
                          documents=filing.documents)
    d = svc.dossier_submit_online(filing=filing, at=vn(2026, 3, 2, 7, 30))
    d = svc.dossier_receive(dossier_id=d.pk, officer=city.officer, at=vn(2026, 3, 2, 8))
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 2, 9))
    svc.dossier_request_supplement(dossier_id=d.pk, actor=city.specialist, reason="Thiếu",
                                   items="Giấy tờ tùy thân", at=vn(2026, 3, 3, 9))
    return citizen, d


def _upload(name: str = "giay-to.pdf", data: bytes = b"%PDF-1.4\n%scan\n"
            ) -> svc.SubmittedDocument:
    return svc.SubmittedDocument(required_document_id=None, name="Bổ sung",
                                 file=SimpleUploadedFile(name, data))


def test_the_applicant_answers_a_supplement_and_the_appointment_moves(waiting):
    citizen, d = waiting
    before = d.appointment_at
    d = svc.dossier_supplement_received(dossier_id=d.pk, actor=citizen, documents=[_upload()],
                                        at=vn(2026, 3, 6, 9))
    assert d.status == Status.IN_PROCESS
    # Paused Tuesday 09:00, answered Friday 09:00: three working days later.
    assert d.appointment_at == vn(2026, 3, 10, 8) and d.appointment_at > before
    assert d.supplements.get().resolved_by == citizen


def test_another_citizen_cannot_answer_it(waiting):
    _citizen, d = waiting
    stranger = User.objects.create_user(username="citizen-2", password="x")
    with pytest.raises(NotAllowed):
        svc.dossier_supplement_received(dossier_id=d.pk, actor=stranger, at=vn(2026, 3, 6, 9))
    d.refresh_from_db()
    assert d.status == Status.SUPPLEMENT


def test_the_applicants_answer_needs_a_document_of_an_accepted_type(waiting):
    # The rules of the portal's upload form and of the API alike, enforced by the service.
    citizen, d = waiting
    with pytest.raises(ValidationFailed):
        svc.dossier_supplement_received(dossier_id=d.pk, actor=citizen, at=vn(2026, 3, 6, 9))
    with translation.override("en"), pytest.raises(ValidationFailed, match="not a PDF, JPEG"):
        svc.dossier_supplement_received(
            dossier_id=d.pk, actor=citizen, at=vn(2026, 3, 6, 9),
            documents=[_upload("virus.pdf", b"MZ\x90\x00 not a pdf")])
    d.refresh_from_db()
    assert d.status == Status.SUPPLEMENT


def test_a_document_that_is_not_one_of_the_procedures_is_refused(waiting):
    citizen, d = waiting
    theirs = set(d.procedure_version.documents.values_list("pk", flat=True))
    doc = _upload()
    with translation.override("en"), pytest.raises(ValidationFailed, match="does not belong"):
        svc.dossier_supplement_received(
            dossier_id=d.pk, actor=citizen, at=vn(2026, 3, 6, 9),
            documents=[svc.SubmittedDocument(required_document_id=max(theirs) + 1000,
                                             file=doc.file)])
