"""Deadline sweep, apology letters and extensions (form 04)."""

import pytest

from onestop.core.errors import InvalidTransition, NotAllowed
from onestop.dossiers import services as svc
from onestop.dossiers.models import ApologyLetter, Dossier
from onestop.testing import vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed_over(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    return svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 2, 9))


def test_sweep_flags_due_soon_within_one_working_day_and_prepares_an_apology(handed_over):
    result = svc.deadline_sweep(now=vn(2026, 3, 2, 15))  # 19 working hours left
    assert (result.due_soon, result.overdue, result.apologies) == (0, 0, 0)
    # Within the two working days' lead time: drafted, not yet due soon.
    result = svc.deadline_sweep(now=vn(2026, 3, 3, 9))  # 15 working hours left
    assert (result.due_soon, result.overdue, result.apologies) == (0, 0, 1)
    result = svc.deadline_sweep(now=vn(2026, 3, 4, 9))  # 7 working hours left
    assert (result.due_soon, result.overdue, result.apologies) == (1, 0, 0)
    letter = ApologyLetter.objects.get()
    assert letter.state == "draft" and letter.old_appointment_at == vn(2026, 3, 5, 8)
    # The time still needed: review (2 days) + approval (0.5 day) from the appointment.
    assert letter.proposed_appointment_at == vn(2026, 3, 9, 14)


def test_sweep_is_idempotent(handed_over):
    svc.deadline_sweep(now=vn(2026, 3, 5, 9))
    before = list(Dossier.objects.values_list("due_soon_flagged_at", "overdue_flagged_at",
                                              "version"))
    again = svc.deadline_sweep(now=vn(2026, 3, 5, 10))
    assert (again.due_soon, again.overdue, again.apologies) == (0, 0, 0)
    assert list(Dossier.objects.values_list("due_soon_flagged_at", "overdue_flagged_at",
                                            "version")) == before
    assert ApologyLetter.objects.count() == 1


def test_overdue_is_derived_from_the_appointment(handed_over):
    assert not handed_over.is_overdue(now=vn(2026, 3, 5, 8))
    assert handed_over.is_overdue(now=vn(2026, 3, 5, 8, 1))
    result = svc.deadline_sweep(now=vn(2026, 3, 5, 9))
    assert result.overdue == 1
    assert Dossier.objects.get().overdue_flagged_at == vn(2026, 3, 5, 9)


def test_signing_late_promises_a_new_appointment_but_the_dossier_stays_late(city, handed_over):
    svc.deadline_sweep(now=vn(2026, 3, 5, 9))
    letter = ApologyLetter.objects.get()
    with pytest.raises(NotAllowed):
        svc.apology_sign(letter_id=letter.pk, leader=city.specialist)
    svc.apology_sign(letter_id=letter.pk, leader=city.leader, at=vn(2026, 3, 5, 10))
    d = Dossier.objects.get()
    # Prepared when overdue (Thu 09:00): the 20 working hours still needed count from then.
    assert d.appointment_at == vn(2026, 3, 9, 15)
    assert d.original_appointment_at == vn(2026, 3, 5, 8)
    # Signed after the deadline: the letter is sent, the dossier stays late (legal due moment).
    assert d.legal_due_at == vn(2026, 3, 5, 8)
    assert d.overdue_flagged_at is not None and d.is_overdue(now=vn(2026, 3, 5, 10))
    assert ApologyLetter.objects.get().in_time is False
    assert d.steps.get(order=3).due_at == vn(2026, 3, 9, 15)
    with pytest.raises(InvalidTransition):
        svc.apology_sign(letter_id=letter.pk, leader=city.leader)
    from onestop.core.models import AuditEvent
    event = AuditEvent.objects.filter(action="dossier.extend").get()
    assert event.data["appointment"].startswith("2026-03-09")


def test_a_dismissed_apology_is_not_prepared_again_for_the_same_appointment(city, handed_over):
    svc.deadline_sweep(now=vn(2026, 3, 3, 9))
    letter = ApologyLetter.objects.get()
    svc.apology_dismiss(letter_id=letter.pk, leader=city.leader)
    result = svc.deadline_sweep(now=vn(2026, 3, 5, 9))
    assert result.overdue == 1 and result.apologies == 0


def test_supplement_pause_keeps_a_dossier_out_of_the_sweep(city, handed_over):
    svc.dossier_request_supplement(dossier_id=handed_over.pk, actor=city.specialist,
                                   reason="thiếu", items="bản sao", at=vn(2026, 3, 3, 8))
    result = svc.deadline_sweep(now=vn(2026, 3, 20, 9))
    assert (result.due_soon, result.overdue) == (0, 0)
    assert not Dossier.objects.get().is_overdue(now=vn(2026, 3, 20, 9))


def test_supplement_after_the_deadline_does_not_erase_the_delay(city, handed_over):
    svc.dossier_request_supplement(dossier_id=handed_over.pk, actor=city.specialist,
                                   reason="thiếu", items="bản sao", at=vn(2026, 3, 6, 8))
    d = svc.dossier_supplement_received(dossier_id=handed_over.pk, actor=city.officer,
                                        at=vn(2026, 3, 10, 8))
    assert d.appointment_at == vn(2026, 3, 5, 8)  # it was late already when paused
    assert d.is_overdue(now=vn(2026, 3, 10, 9))
