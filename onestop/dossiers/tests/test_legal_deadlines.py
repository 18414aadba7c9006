"""The legal clock and apology rules (Decree 61/2018/NĐ-CP Art. 19, Decision 766/QĐ-TTg).

The city fixture's procedure takes 3 working days on office hours 07–11, 13–17: received on
Monday 2 March 2026 at 08:00, it is due on Thursday 5 March at 08:00.
"""

import pytest

from onestop.core.errors import InvalidTransition
from onestop.dossiers import services as svc
from onestop.dossiers.models import ApologyLetter, ClockPause, Dossier, Status
from onestop.testing import vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed_over(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    return svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 2, 9))


def _finish(city, d, at):
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist, at=at)
    return svc.dossier_approve(dossier_id=d.pk, actor=city.leader, at=at)


def test_apology_is_drafted_two_working_days_before_the_deadline(handed_over):
    assert svc.deadline_sweep(now=vn(2026, 3, 3, 7, 59)).apologies == 0  # 16 h 1 min left
    assert svc.deadline_sweep(now=vn(2026, 3, 3, 8)).apologies == 1  # 16 h: two days
    letter = ApologyLetter.objects.get()
    # It must reach the applicant one working day before the deadline (Thu 08:00).
    assert letter.send_by == vn(2026, 3, 4, 8)


def test_apology_lead_time_is_the_provinces_setting(settings, handed_over):
    settings.ONESTOP_APOLOGY_LEAD_DAYS = "1.5"
    assert svc.deadline_sweep(now=vn(2026, 3, 3, 8)).apologies == 0
    assert svc.deadline_sweep(now=vn(2026, 3, 3, 13, 59)).apologies == 0  # 12 h 1 min left
    assert svc.deadline_sweep(now=vn(2026, 3, 3, 14)).apologies == 1


def test_apology_signed_before_its_send_by_moment_is_in_time(city, handed_over):
    svc.deadline_sweep(now=vn(2026, 3, 3, 9))
    letter = svc.apology_sign(letter_id=ApologyLetter.objects.get().pk, leader=city.leader,
                              at=vn(2026, 3, 3, 14))
    assert letter.in_time is True
    d = Dossier.objects.get()
    assert d.appointment_at == vn(2026, 3, 9, 14)  # the promise moved
    assert d.legal_due_at == d.original_appointment_at == vn(2026, 3, 5, 8)  # the law did not


def test_apology_signed_after_its_send_by_moment_is_marked_late(city, handed_over):
    svc.deadline_sweep(now=vn(2026, 3, 3, 9))
    letter = svc.apology_sign(letter_id=ApologyLetter.objects.get().pk, leader=city.leader,
                              at=vn(2026, 3, 4, 10))
    assert letter.in_time is False


def test_a_second_extension_is_refused(city, handed_over):
    svc.deadline_sweep(now=vn(2026, 3, 3, 9))
    svc.apology_sign(letter_id=ApologyLetter.objects.get().pk, leader=city.leader,
                     at=vn(2026, 3, 3, 14))
    # Past the new appointment: no second letter is drafted …
    assert svc.deadline_sweep(now=vn(2026, 3, 10, 9)).apologies == 0
    assert svc.apology_prepare(dossier_id=handed_over.pk, at=vn(2026, 3, 10, 9)) is None
    # … and one made by hand cannot be signed.
    extra = ApologyLetter.objects.create(
        dossier=handed_over, prepared_at=vn(2026, 3, 10, 9), reason="x",
        old_appointment_at=vn(2026, 3, 9, 14), proposed_appointment_at=vn(2026, 3, 12, 8))
    with pytest.raises(InvalidTransition, match="không quá một lần"):
        svc.apology_sign(letter_id=extra.pk, leader=city.leader, at=vn(2026, 3, 10, 10))


def test_a_late_dossier_stays_late_after_an_apology(city, handed_over):
    svc.deadline_sweep(now=vn(2026, 3, 3, 9))
    svc.apology_sign(letter_id=ApologyLetter.objects.get().pk, leader=city.leader,
                     at=vn(2026, 3, 3, 14))
    d = _finish(city, handed_over, vn(2026, 3, 6, 9))  # before the promise, after the law
    assert not d.is_past_promise()
    assert d.is_overdue()
    from onestop.scorecard.rollups import compute_facts
    assert compute_facts([d.pk])[d.pk].on_time is False


def test_on_time_is_measured_against_the_receipt_slip_moved_only_by_pauses(city, handed_over):
    svc.dossier_request_supplement(dossier_id=handed_over.pk, actor=city.specialist,
                                   reason="thiếu", items="bản sao", at=vn(2026, 3, 3, 8))
    svc.dossier_supplement_received(dossier_id=handed_over.pk, actor=city.officer,
                                    at=vn(2026, 3, 4, 8))  # one working day paused
    d = Dossier.objects.get()
    assert d.legal_due_at == d.appointment_at == vn(2026, 3, 6, 8)
    assert d.original_appointment_at == vn(2026, 3, 5, 8)
    d = _finish(city, d, vn(2026, 3, 6, 7, 30))
    from onestop.scorecard.rollups import compute_facts
    fact = compute_facts([d.pk])[d.pk]
    assert fact.on_time is True
    # Processing time leaves the pause out: Mon 08:00 → Fri 07:30 is 3.5 days less 1 paused.
    assert fact.processing_seconds == 31 * 3600 + 1800 - 8 * 3600


def test_payment_wait_pauses_the_clock_when_the_procedure_says_so(city, handed_over):
    city.version.payment_pauses_clock = True
    city.version.save(update_fields=["payment_pauses_clock"])
    d = svc.dossier_request_payment(dossier_id=handed_over.pk, actor=city.specialist,
                                    amount=50000, at=vn(2026, 3, 3, 8))
    assert d.status == Status.AWAITING_PAYMENT and d.paused_at == vn(2026, 3, 3, 8)
    # Paused: not swept, not late, however long the applicant takes.
    assert svc.deadline_sweep(now=vn(2026, 3, 20, 9)).overdue == 0
    d = svc.dossier_payment_received(dossier_id=d.pk, actor=None, system=True,
                                     at=vn(2026, 3, 5, 8))
    assert d.paused_at is None
    assert d.legal_due_at == d.appointment_at == vn(2026, 3, 7 + 2, 8)  # two days later
    pause = ClockPause.objects.get(kind="payment")
    assert pause.working_seconds == 16 * 3600


def test_payment_wait_does_not_pause_the_clock_by_default(city, handed_over):
    d = svc.dossier_request_payment(dossier_id=handed_over.pk, actor=city.specialist,
                                    amount=50000, at=vn(2026, 3, 3, 8))
    assert d.paused_at is None
    assert svc.deadline_sweep(now=vn(2026, 3, 5, 9)).overdue == 1
    d = svc.dossier_payment_received(dossier_id=d.pk, actor=None, system=True,
                                     at=vn(2026, 3, 5, 10))
    assert d.legal_due_at == vn(2026, 3, 5, 8)
    assert not ClockPause.objects.exists()


def test_stopping_a_paused_dossier_closes_its_pause(city, handed_over):
    svc.dossier_request_supplement(dossier_id=handed_over.pk, actor=city.specialist,
                                   reason="thiếu", items="bản sao", at=vn(2026, 3, 3, 8))
    svc.dossier_stop(dossier_id=handed_over.pk, actor=city.leader, reason="không bổ sung",
                     at=vn(2026, 3, 4, 8))
    pause = ClockPause.objects.get()
    assert pause.ended_at == vn(2026, 3, 4, 8) and pause.working_seconds == 8 * 3600
