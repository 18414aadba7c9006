"""Status 6: a financial obligation pauses nothing but waits for the applicant to pay."""

import pytest

from onestop.core.errors import NotAllowed, ValidationFailed
from onestop.core.models import AuditEvent
from onestop.dossiers import services as svc
from onestop.dossiers.models import Status
from onestop.testing import vn

pytestmark = pytest.mark.django_db


def _in_process(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    return svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 2, 9))


def test_requesting_payment_waits_for_it_and_keeps_the_appointment(city):
    d = _in_process(city)
    appointment = d.appointment_at
    d = svc.dossier_request_payment(dossier_id=d.pk, actor=city.specialist, amount=8000,
                                    at=vn(2026, 3, 3, 9))
    assert d.status == Status.AWAITING_PAYMENT
    event = AuditEvent.objects.filter(action="dossier.request_payment").get()
    assert event.data == {"amount": 8000, "clock_paused": False}
    d = svc.dossier_payment_received(dossier_id=d.pk, actor=city.officer, reference="FT123",
                                     at=vn(2026, 3, 3, 14))
    assert d.status == Status.IN_PROCESS
    assert d.appointment_at == appointment  # the clock ran while waiting (CLOCK_RUNNING)


def test_payment_amount_is_whole_positive_dong(city):
    d = _in_process(city)
    for bad in (0, -5, 8000.0):
        with pytest.raises(ValidationFailed):
            svc.dossier_request_payment(dossier_id=d.pk, actor=city.specialist, amount=bad)


def test_only_the_step_specialist_or_receiving_officer_asks_for_payment(city):
    d = _in_process(city)
    with pytest.raises(NotAllowed):
        svc.dossier_request_payment(dossier_id=d.pk, actor=city.outsider, amount=8000)
