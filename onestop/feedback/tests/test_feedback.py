"""Feedback (PAKN): codes, the 15-working-day deadline, routing, dossier references that must
be proven, the answer/publish/close table with its roles, and the on-time flag."""

import datetime

import pytest
from django.db import transaction

from onestop.agencies.models import Agency
from onestop.core.audit import audit_verify
from onestop.core.errors import InvalidTransition, NotAllowed, ValidationFailed
from onestop.core.models import AuditEvent
from onestop.dossiers import services as dsvc
from onestop.feedback import services as svc
from onestop.feedback.models import Feedback, FeedbackState
from onestop.feedback.selectors import public_feedback_lookup
from onestop.testing import make_user, vn

pytestmark = pytest.mark.django_db


def send(at=None, **kw):
    data = {"sender_name": "Trần Văn Bảy", "contact": "0912 345 678", "subject": "Chờ lâu",
            "content": "Tôi chờ quá lâu ở quầy.", "consent_publish": True,
            "at": at or vn(2026, 3, 2, 9)}
    data.update(kw)
    return svc.feedback_submit(**data)


def test_codes_are_per_day_and_consecutive(city):
    a = send(at=vn(2026, 3, 2, 9))
    b = send(at=vn(2026, 3, 2, 16))
    c = send(at=vn(2026, 3, 3, 9))
    assert [a.code, b.code, c.code] == ["PAKN-260302-0001", "PAKN-260302-0002",
                                        "PAKN-260303-0001"]


def test_a_refused_submission_gives_its_number_back(city):
    send(at=vn(2026, 3, 2, 9))
    with pytest.raises(ValidationFailed):
        send(at=vn(2026, 3, 2, 10), contact="not a contact")
    with pytest.raises(RuntimeError), transaction.atomic():
        send(at=vn(2026, 3, 2, 10))
        raise RuntimeError("rolled back after the code was taken")
    assert send(at=vn(2026, 3, 2, 11)).code == "PAKN-260302-0002"


def test_deadline_is_15_working_days_across_a_weekend_and_holidays(city):
    # Monday 20 April 2026, 10:00. Not working: Sat 25, Sun 26, Mon 27 April (Hùng Kings'
    # day, moved from Sunday), Thu 30 April, Fri 1 May, Sat 2 and Sun 3 May, Sat 9, Sun 10.
    # The 15th working day ends on Thursday 14 May at 10:00 (a plain Mon–Fri count would
    # give Monday 11 May).
    fb = send(at=vn(2026, 4, 20, 10))
    assert fb.deadline_at == vn(2026, 5, 14, 10)
    assert fb.received_at == vn(2026, 4, 20, 10)


def test_deadline_counts_from_the_next_opening_when_sent_at_night(city):
    fb = send(at=vn(2026, 3, 6, 20))  # Friday evening: nothing counts before Monday 07:00
    assert fb.deadline_at == send(at=vn(2026, 3, 9, 7)).deadline_at


def test_feedback_without_references_goes_to_the_city_service_centre(city):
    assert send().agency == city.centre


def test_feedback_about_a_procedure_goes_to_its_competent_agency(city):
    fb = send(procedure_code="1.001193")
    assert fb.agency == city.justice and fb.procedure.code == "1.001193"
    unknown = send(procedure_code="9.999999")
    assert unknown.agency == city.centre and unknown.procedure is None
    assert unknown.procedure_ref == "9.999999"


def test_a_dossier_reference_counts_only_with_the_right_digits(city):
    d = dsvc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                       at=vn(2026, 3, 2, 8))
    good = send(dossier_code=d.code.lower(), dossier_factor="5678")  # phone 0912345678
    assert good.dossier == d and good.dossier_verified and good.agency == city.justice
    by_cccd = send(dossier_code=d.code, dossier_factor="1234")  # CCCD 092090001234
    assert by_cccd.dossier == d
    wrong = send(dossier_code=d.code, dossier_factor="0000")
    assert wrong.dossier is None and not wrong.dossier_verified
    assert wrong.dossier_ref == d.code and wrong.agency == city.centre
    # The sender learns nothing from the reply: same fields, same kind of code and deadline.
    assert wrong.state == good.state and wrong.deadline_at == good.deadline_at


def test_contact_is_checked_and_normalised(city):
    assert send(contact="+84 912 345 678").contact == "0912345678"
    assert send(contact="An.Nguyen@Example.COM").contact == "an.nguyen@example.com"
    for bad in ("12345", "abc", "0912-345-678x", "a@b"):
        with pytest.raises(ValidationFailed):
            send(contact=bad)


def test_required_fields(city):
    for field in ("sender_name", "subject", "content"):
        with pytest.raises(ValidationFailed):
            send(**{field: "  "})
    assert not Feedback.objects.exists()


def test_specialists_draft_leaders_answer_and_publish(city):
    fb = send(procedure_code="1.001193", at=vn(2026, 3, 2, 9))
    fb = svc.feedback_save_draft(feedback_id=fb.pk, actor=city.specialist,
                                 answer="Chúng tôi xin lỗi.", at=vn(2026, 3, 3, 9),
                                 expected_version=fb.version)
    assert fb.state == FeedbackState.RECEIVED and fb.answer_drafted_by == city.specialist
    with pytest.raises(NotAllowed):
        svc.feedback_answer(feedback_id=fb.pk, actor=city.specialist, answer=fb.answer)
    fb = svc.feedback_answer(feedback_id=fb.pk, actor=city.leader, answer=fb.answer,
                             at=vn(2026, 3, 4, 9))
    assert fb.state == FeedbackState.ANSWERED and fb.answered_by == city.leader
    assert fb.on_time is True
    fb = svc.feedback_publish(feedback_id=fb.pk, actor=city.leader, at=vn(2026, 3, 4, 10))
    assert fb.state == FeedbackState.PUBLISHED and fb.published_at == vn(2026, 3, 4, 10)
    events = list(AuditEvent.objects.filter(object_type="feedback", object_id=str(fb.pk))
                  .values_list("action", "from_state", "to_state"))
    assert events == [
        ("feedback.submit", "", "received"),
        ("feedback.draft", "received", "received"),
        ("feedback.answer", "received", "answered"),
        ("feedback.publish", "answered", "published"),
    ]
    assert audit_verify().ok


def test_staff_of_another_agency_cannot_act(city):
    fb = send(procedure_code="1.001193")  # justice's
    for outsider in (city.officer, city.outsider, city.admin):  # centre / commune people
        with pytest.raises(NotAllowed):
            svc.feedback_save_draft(feedback_id=fb.pk, actor=outsider, answer="x")


def test_publication_needs_consent(city):
    fb = send(consent_publish=False)
    admin = city.admin  # agency admin of the centre
    with pytest.raises(NotAllowed):
        svc.feedback_answer(feedback_id=fb.pk, actor=admin, answer="Đã xử lý.", publish=True)
    fb = svc.feedback_answer(feedback_id=fb.pk, actor=admin, answer="Đã xử lý.")
    with pytest.raises(NotAllowed):
        svc.feedback_publish(feedback_id=fb.pk, actor=admin)
    # Even a direct write cannot publish without consent: the database refuses it.
    from django.db import IntegrityError
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.filter(pk=fb.pk).update(state=FeedbackState.PUBLISHED,
                                                 published_at=vn(2026, 3, 5, 9))
    fb.refresh_from_db()
    assert fb.state == FeedbackState.ANSWERED
    fb = svc.feedback_close(feedback_id=fb.pk, actor=admin)
    assert fb.state == FeedbackState.CLOSED


def test_answer_and_publish_in_one_step(city):
    fb = send()
    fb = svc.feedback_answer(feedback_id=fb.pk, actor=city.admin, answer="Cảm ơn.",
                             publish=True, at=vn(2026, 3, 3, 9))
    assert fb.state == FeedbackState.PUBLISHED and fb.answered_at == fb.published_at


def test_transitions_follow_the_table(city):
    fb = send()
    with pytest.raises(InvalidTransition):
        svc.feedback_publish(feedback_id=fb.pk, actor=city.admin)
    with pytest.raises(ValidationFailed):  # closing unanswered needs a reason
        svc.feedback_close(feedback_id=fb.pk, actor=city.admin)
    fb = svc.feedback_close(feedback_id=fb.pk, actor=city.admin, reason="Trùng PAKN khác")
    for call in (
        lambda: svc.feedback_answer(feedback_id=fb.pk, actor=city.admin, answer="x"),
        lambda: svc.feedback_save_draft(feedback_id=fb.pk, actor=city.admin, answer="x"),
        lambda: svc.feedback_close(feedback_id=fb.pk, actor=city.admin, reason="x"),
    ):
        with pytest.raises(InvalidTransition):
            call()


def test_stale_version_is_refused(city):
    fb = send()
    svc.feedback_save_draft(feedback_id=fb.pk, actor=city.admin, answer="a")
    from onestop.core.errors import Conflict
    with pytest.raises(Conflict):
        svc.feedback_save_draft(feedback_id=fb.pk, actor=city.admin, answer="b",
                                expected_version=fb.version)


def test_forwarding_moves_the_item_but_not_its_deadline(city):
    fb = send()
    deadline = fb.deadline_at
    fb = svc.feedback_forward(feedback_id=fb.pk, actor=city.admin, agency_id=city.justice.pk,
                              reason="Thuộc thẩm quyền Sở Tư pháp")
    assert fb.agency == city.justice and fb.deadline_at == deadline
    with pytest.raises(NotAllowed):  # no longer the centre's
        svc.feedback_save_draft(feedback_id=fb.pk, actor=city.admin, answer="x")
    svc.feedback_save_draft(feedback_id=fb.pk, actor=city.specialist, answer="x")


def test_on_time_flag_compares_the_answer_with_the_deadline(city):
    early = send(at=vn(2026, 4, 20, 10))
    late = send(at=vn(2026, 4, 20, 10))
    early = svc.feedback_answer(feedback_id=early.pk, actor=city.admin, answer="ok",
                                at=vn(2026, 5, 14, 10))  # exactly at the deadline
    late = svc.feedback_answer(feedback_id=late.pk, actor=city.admin, answer="ok",
                               at=vn(2026, 5, 14, 10) + datetime.timedelta(minutes=1))
    assert early.on_time is True and late.on_time is False
    assert send().on_time is None


def test_the_sender_looks_up_with_code_and_contact_only(city):
    fb = send(contact="an@example.com")
    assert public_feedback_lookup(code=fb.code, contact="AN@example.com ") is not None
    assert public_feedback_lookup(code=fb.code, contact="0912345678") is None
    assert public_feedback_lookup(code="PAKN-260302-0099", contact="an@example.com") is None
    found = public_feedback_lookup(code=fb.code.lower(), contact="an@example.com")
    assert found.answer == "" and found.agency_name == ""
    svc.feedback_save_draft(feedback_id=fb.pk, actor=city.admin, answer="Bản nháp")
    assert public_feedback_lookup(code=fb.code, contact="an@example.com").answer == ""
    svc.feedback_answer(feedback_id=fb.pk, actor=city.admin, answer="Trả lời")
    assert public_feedback_lookup(code=fb.code, contact="an@example.com").answer == "Trả lời"


def test_a_signed_in_sender_is_linked(city):
    user = make_user("dan", "Dân")
    assert send(sender=user).sender == user
    assert Agency.objects.filter(kind="service_centre").count() == 1


def test_feedback_answer_period_is_the_provinces_setting_with_the_legal_default(city, settings):
    assert svc.feedback_answer_days() == 15  # Decision 766's on-time measure
    settings.ONESTOP_FEEDBACK_ANSWER_DAYS = "10"
    fb = send(at=vn(2026, 3, 2, 9))  # Monday: ten working days end on Monday 16 March
    assert fb.deadline_at == vn(2026, 3, 16, 9)


def test_a_feedback_answer_period_that_is_not_a_number_stops_the_start(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from onestop.settings import env_working_days
    monkeypatch.setenv("ONESTOP_FEEDBACK_ANSWER_DAYS", "fifteen")
    with pytest.raises(ImproperlyConfigured):
        env_working_days("ONESTOP_FEEDBACK_ANSWER_DAYS", "15", minimum="0.5")
