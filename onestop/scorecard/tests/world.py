"""A month of dossiers built through the real services, with hand-computed figures.

March 2026 (3 working days for the procedure; office hours 07–11, 13–17):

- A: counter, all documents scanned, received Mon 2/3 08:00; cash paid 08:30; approved
  Tue 3/3 10:00 (on time, 10 working hours = 1.25 days); returned 14:00 with an e-result.
- F: counter, received 2/3 08:00, approved 16:00 (on time, 6 h = 0.75 day); not returned.
- B: counter, received 2/3 08:00; supplement 10:00 → 3/3 10:00 (8 h paused), again
  4/3 08:00 → 09:00 (1 h); approved 4/3 10:00, before its appointment but late by the
  two-supplement rule (18 h − 9 h = 9 h = 1.125 days).
- C: online, received 2/3 08:00; paid online 09:00; approved Fri 6/3 09:00 after its
  appointment Thu 5/3 08:00 (late, 33 h = 4.125 days); returned 9/3 without a file; rated;
  complained about.
- D: online, refused at receipt (never received). E: counter, received 3/3, in process.

Feedback: one about C (verified, answered on time), one about nothing (never answered).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from onestop.dossiers import services as svc
from onestop.dossiers.models import Channel, Dossier
from onestop.dossiers.services import Applicant, Filing, SubmittedDocument
from onestop.feedback import services as fsvc
from onestop.feedback.models import Feedback, RatingCriterion
from onestop.payments import services as psvc
from onestop.payments.providers.base import Notice
from onestop.testing import City, make_user, vn

PDF = b"%PDF-1.4\n%scanned\n"


@dataclass
class World:
    city: City
    citizen: Any
    a: Dossier
    b: Dossier
    c: Dossier
    d: Dossier
    e: Dossier
    f: Dossier
    complaint: Feedback
    other_feedback: Feedback
    rating_sum: int
    rating_count: int


def scanned_documents(city: City) -> list[SubmittedDocument]:
    return [SubmittedDocument(required_document_id=d.id, originals=d.originals, copies=d.copies,
                              file=SimpleUploadedFile(f"doc{d.id}.pdf", PDF,
                                                      content_type="application/pdf"))
            for d in city.version.documents.all()]


def counter(city: City, *, at: Any, documents: list[SubmittedDocument] | None = None
            ) -> Dossier:
    filing = city.filing()
    if documents is not None:
        filing = Filing(procedure_version=filing.procedure_version,
                        receiving_agency=filing.receiving_agency, applicant=filing.applicant,
                        documents=documents)
    return svc.dossier_intake_at_counter(officer=city.officer, filing=filing, at=at)


def to_leader(city: City, d: Dossier, *, at: Any) -> Dossier:
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=at)
    return svc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist, at=at)


def online(city: City, citizen: Any, *, at: Any) -> Dossier:
    filing = Filing(procedure_version=city.version, receiving_agency=city.centre,
                    applicant=Applicant(name="Lê Thị Hoa", id_number="092190005678",
                                        phone="0909005678", account=citizen),
                    documents=city.documents())
    return svc.dossier_submit_online(filing=filing, at=at)


def pay_online(d: Dossier, *, at: Any, txn: str) -> None:
    payment = svc.payment_for_dossier(dossier_id=d.pk, provider="vietqr", at=at).payment
    psvc.notice_apply(provider="vietqr", at=at, notice=Notice(
        reference=payment.reference, provider_txn_id=txn, amount=payment.amount,
        success=True))


def build(city: City) -> World:
    citizen = make_user("citizen-hoa", "Lê Thị Hoa")
    a = counter(city, at=vn(2026, 3, 2, 8), documents=scanned_documents(city))
    svc.payment_record_cash(dossier_id=a.pk, officer=city.officer, amount=8000,
                             at=vn(2026, 3, 2, 8, 30))
    to_leader(city, a, at=vn(2026, 3, 2, 9))
    a = svc.dossier_approve(dossier_id=a.pk, actor=city.leader, at=vn(2026, 3, 3, 10))
    a = svc.dossier_return_result(
        dossier_id=a.pk, officer=city.officer, at=vn(2026, 3, 3, 14),
        result_file=SimpleUploadedFile("result.pdf", PDF, content_type="application/pdf"))

    f = counter(city, at=vn(2026, 3, 2, 8))
    to_leader(city, f, at=vn(2026, 3, 2, 9))
    f = svc.dossier_approve(dossier_id=f.pk, actor=city.leader, at=vn(2026, 3, 2, 16))

    b = counter(city, at=vn(2026, 3, 2, 8))
    svc.dossier_hand_over(dossier_id=b.pk, actor=city.officer, at=vn(2026, 3, 2, 9))
    svc.dossier_request_supplement(dossier_id=b.pk, actor=city.specialist, reason="Thiếu",
                                   items="Bản sao", at=vn(2026, 3, 2, 10))
    svc.dossier_supplement_received(dossier_id=b.pk, actor=city.officer, at=vn(2026, 3, 3, 10))
    svc.dossier_request_supplement(dossier_id=b.pk, actor=city.specialist, reason="Thiếu nữa",
                                   items="Bản chính", at=vn(2026, 3, 4, 8))
    svc.dossier_supplement_received(dossier_id=b.pk, actor=city.officer, at=vn(2026, 3, 4, 9))
    svc.dossier_hand_over(dossier_id=b.pk, actor=city.specialist, at=vn(2026, 3, 4, 9, 30))
    b = svc.dossier_approve(dossier_id=b.pk, actor=city.leader, at=vn(2026, 3, 4, 10))

    c = online(city, citizen, at=vn(2026, 3, 2, 7, 30))
    c = svc.dossier_receive(dossier_id=c.pk, officer=city.officer, at=vn(2026, 3, 2, 8))
    pay_online(c, at=vn(2026, 3, 2, 9), txn="FT001")
    to_leader(city, c, at=vn(2026, 3, 2, 10))
    c = svc.dossier_approve(dossier_id=c.pk, actor=city.leader, at=vn(2026, 3, 6, 9))
    c = svc.dossier_return_result(dossier_id=c.pk, officer=city.officer, at=vn(2026, 3, 9, 8))
    criteria = list(RatingCriterion.objects.filter(active=True))
    scores = {cr.code: (5 if i == 0 else 4) for i, cr in enumerate(criteria)}
    fsvc.rating_submit(dossier_id=c.pk, citizen=citizen, scores=scores, at=vn(2026, 3, 9, 9))
    complaint = fsvc.feedback_submit(
        sender_name="Lê Thị Hoa", contact="0909005678", subject="Trễ hẹn", content="Trễ hẹn",
        consent_publish=False, dossier_code=c.code or "", dossier_factor="5678",
        at=vn(2026, 3, 6, 10))
    fsvc.feedback_answer(feedback_id=complaint.pk, actor=city.leader, answer="Xin lỗi ông bà.",
                         at=vn(2026, 3, 10, 9))
    other = fsvc.feedback_submit(
        sender_name="Trần Văn Tư", contact="0911000111", subject="Góp ý", content="Góp ý chung",
        consent_publish=False, procedure_code=city.version.procedure.code,
        at=vn(2026, 3, 9, 9))

    d = online(city, citizen, at=vn(2026, 3, 3, 7))
    d = svc.dossier_refuse(dossier_id=d.pk, officer=city.officer, reason="Sai thủ tục",
                           at=vn(2026, 3, 3, 8))
    e = counter(city, at=vn(2026, 3, 3, 8))
    svc.dossier_hand_over(dossier_id=e.pk, actor=city.officer, at=vn(2026, 3, 3, 9))
    assert Dossier.objects.get(pk=c.pk).channel == Channel.ONLINE
    return World(city=city, citizen=citizen, a=a, b=b, c=c, d=d, e=e, f=f,
                 complaint=Feedback.objects.get(pk=complaint.pk),
                 other_feedback=Feedback.objects.get(pk=other.pk),
                 rating_sum=sum(scores.values()), rating_count=len(scores))
