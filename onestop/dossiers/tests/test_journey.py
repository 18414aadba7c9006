"""The full journey of a counter dossier, with deadlines checked to the minute."""

import pytest

from onestop.core.audit import audit_verify
from onestop.core.models import AuditEvent
from onestop.dossiers import services as svc
from onestop.dossiers.models import Dossier, Status
from onestop.testing import vn

pytestmark = pytest.mark.django_db


def test_counter_intake_assigns_code_appointment_and_step_dues(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    assert d.status == Status.RECEIVED
    assert d.code == "000.00.00.H99-260302-0001"
    # Monday 08:00 + 3 working days of 8 h = Thursday 08:00.
    assert d.appointment_at == vn(2026, 3, 5, 8)
    dues = list(d.steps.order_by("order").values_list("due_at", flat=True))
    assert dues == [vn(2026, 3, 2, 14), vn(2026, 3, 4, 14), vn(2026, 3, 5, 8)]
    assert d.current_step.order == 1


def test_full_journey_with_supplement_ends_returned_and_audited(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 2, 9),
                              expected_version=d.version)
    assert d.status == Status.IN_PROCESS and d.current_step.role == "specialist"
    svc.dossier_request_supplement(dossier_id=d.pk, actor=city.specialist,
                                   reason="Thiếu bản sao", items="Giấy tờ tùy thân",
                                   at=vn(2026, 3, 3, 9))
    d.refresh_from_db()
    assert d.status == Status.SUPPLEMENT and d.paused_at == vn(2026, 3, 3, 9)
    # Paused Tuesday 09:00, documents back Friday 09:00 (three working days later).
    d = svc.dossier_supplement_received(dossier_id=d.pk, actor=city.officer,
                                        at=vn(2026, 3, 6, 9))
    assert d.status == Status.IN_PROCESS
    assert d.appointment_at == vn(2026, 3, 10, 8)  # moved by exactly 24 working hours
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist, at=vn(2026, 3, 6, 10))
    d = svc.dossier_approve(dossier_id=d.pk, actor=city.leader, at=vn(2026, 3, 6, 11))
    assert d.status == Status.RESULT_READY and d.finished_at == vn(2026, 3, 6, 11)
    assert not d.is_overdue()
    d = svc.dossier_return_result(dossier_id=d.pk, officer=city.officer, at=vn(2026, 3, 9, 8))
    assert d.status == Status.RETURNED
    actions = list(AuditEvent.objects.filter(object_type="dossier", object_id=str(d.pk))
                   .values_list("action", "from_state", "to_state"))
    assert actions == [
        ("dossier.intake", "", "2"),
        ("dossier.hand_over", "2", "4"),
        ("dossier.request_supplement", "4", "5"),
        ("dossier.supplement_received", "5", "4"),
        ("dossier.hand_over", "4", "4"),
        ("dossier.approve", "4", "9"),
        ("dossier.return_result", "9", "10"),
    ]
    assert audit_verify().ok
    assert Dossier.objects.get(pk=d.pk).supplement_count == 1
