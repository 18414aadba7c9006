"""Moves outside the transitions table, wrong roles and bad input change nothing."""

import pytest

from onestop.core.audit import audit_verify
from onestop.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from onestop.core.models import AuditEvent
from onestop.dossiers import services as svc
from onestop.dossiers.models import Dossier, Status
from onestop.dossiers.transitions import TRANSITIONS, Action, actions_from, target_status
from onestop.testing import vn

pytestmark = pytest.mark.django_db


def test_every_status_has_a_way_out_or_is_final():
    finals = {Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED}
    for status in Status:
        assert bool(actions_from(status)) == (status not in finals), status


def test_no_action_leads_back_to_submitted_or_out_of_a_final_status():
    for action, moves in TRANSITIONS.items():
        for source, target in moves.items():
            assert target != Status.SUBMITTED or source is None, action
            assert source not in {Status.RETURNED, Status.WITHDRAWN, Status.REFUSED}, action


def test_target_status_refuses_moves_outside_the_table():
    assert target_status(Action.RETURN_RESULT, Status.IN_PROCESS) is None
    assert target_status(Action.APPROVE, Status.IN_PROCESS) == Status.RESULT_READY


def _snapshot(pk):
    d = Dossier.objects.get(pk=pk)
    return (d.status, d.version, d.appointment_at, d.current_step_id,
            AuditEvent.objects.count())


def test_returning_a_result_that_is_not_ready_changes_nothing(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    before = _snapshot(d.pk)
    with pytest.raises(InvalidTransition, match="Không thể thực hiện"):
        svc.dossier_return_result(dossier_id=d.pk, officer=city.officer)
    assert _snapshot(d.pk) == before


def test_wrong_role_or_foreign_agency_cannot_act(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    before = _snapshot(d.pk)
    with pytest.raises(NotAllowed):  # step 1 belongs to the centre's officers
        svc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist)
    with pytest.raises(NotAllowed):  # an officer of another centre
        svc.dossier_withdraw(dossier_id=d.pk, actor=city.outsider, reason="x")
    with pytest.raises(NotAllowed):  # only leaders stop
        svc.dossier_stop(dossier_id=d.pk, actor=city.officer, reason="x")
    assert _snapshot(d.pk) == before


def test_stale_version_is_a_conflict(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    with pytest.raises(Conflict):
        svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer,
                              expected_version=d.version - 1)


def test_incomplete_dossier_is_not_received_and_leaves_no_trace(city):
    filing = city.filing()
    filing = type(filing)(**{**filing.__dict__, "documents": filing.documents[:1]})
    with pytest.raises(ValidationFailed, match="Giấy tờ tùy thân"):
        svc.dossier_intake_at_counter(officer=city.officer, filing=filing, at=vn(2026, 3, 2, 8))
    assert Dossier.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_invalid_cccd_is_refused(city):
    with pytest.raises(ValidationFailed, match="12"):
        svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(id_number="123"))


def test_crash_mid_receipt_leaves_no_dossier_and_no_code_gap(city, monkeypatch):
    import onestop.dossiers.services.intake as intake

    def boom(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(intake, "record", boom)
    with pytest.raises(RuntimeError):
        svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    monkeypatch.undo()
    assert Dossier.objects.count() == 0
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 9))
    assert d.code.endswith("-260302-0001")  # the rolled-back number was given back
    assert audit_verify().ok


def test_online_filing_is_received_with_a_code_or_refused_with_a_reason(city):
    d = svc.dossier_submit_online(filing=city.filing(), at=vn(2026, 3, 2, 20))
    assert d.status == Status.SUBMITTED and d.code is None
    d = svc.dossier_receive(dossier_id=d.pk, officer=city.officer, at=vn(2026, 3, 3, 7, 30))
    assert d.code == "000.00.00.H99-260303-0001"
    e = svc.dossier_submit_online(filing=city.filing(), at=vn(2026, 3, 2, 21))
    with pytest.raises(ValidationFailed):
        svc.dossier_refuse(dossier_id=e.pk, officer=city.officer, reason="  ")
    e = svc.dossier_refuse(dossier_id=e.pk, officer=city.officer, reason="Sai thủ tục")
    assert e.status == Status.REFUSED and e.code is None


def test_online_filing_outside_office_hours_starts_the_clock_at_the_next_opening(city):
    # Received on Saturday (e.g. an officer working the weekend queue): the legal period
    # only counts office time, so it starts Monday 07:00.
    d = svc.dossier_submit_online(filing=city.filing(), at=vn(2026, 3, 6, 20))
    d = svc.dossier_receive(dossier_id=d.pk, officer=city.officer, at=vn(2026, 3, 7, 9))
    assert d.appointment_at == vn(2026, 3, 11, 17)  # Mon 07:00 + 3 days = Wed 17:00
