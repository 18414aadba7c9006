"""Reminders to applicants: a result waiting to be collected, fees still owed; each
reminder written once however often the sweep runs."""

import datetime

import pytest

from onestop.dossiers import services as svc
from onestop.notifications.models import Delivery
from onestop.testing import vn

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _in_process(city):
    d = svc.dossier_intake_at_counter(officer=city.officer,
                                      filing=city.filing(email="an@example.com"),
                                      at=vn(2026, 3, 2, 8))
    return svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 2, 9))


def _result_ready(city, at):
    d = _in_process(city)
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist, at=at - 2 * DAY)
    return svc.dossier_approve(dossier_id=d.pk, actor=city.leader, at=at)


def _reminders(event: str) -> list[str]:
    return sorted(set(Delivery.objects.filter(event=event).values_list("event_key", flat=True)))


def test_a_waiting_result_is_reminded_after_three_days_then_weekly_at_most_three_times(city):
    ready_at = vn(2026, 3, 5, 10)
    d = _result_ready(city, ready_at)
    assert svc.dossier_send_reminders(now=ready_at + 2 * DAY).results == 0
    assert svc.dossier_send_reminders(now=ready_at + 3 * DAY).results > 0
    written = Delivery.objects.filter(event="result_reminder").count()
    svc.dossier_send_reminders(now=ready_at + 3 * DAY)  # again, or on another worker
    svc.dossier_send_reminders(now=ready_at + 5 * DAY)
    assert Delivery.objects.filter(event="result_reminder").count() == written
    svc.dossier_send_reminders(now=ready_at + 10 * DAY)
    svc.dossier_send_reminders(now=ready_at + 90 * DAY)
    svc.dossier_send_reminders(now=ready_at + 95 * DAY)
    assert _reminders("result_reminder") == [f"reminder:result:{d.pk}:{n}" for n in (1, 2, 3)]
    body = Delivery.objects.filter(event="result_reminder").first().body
    assert city.centre.name in body and not body.endswith("..")


def test_a_collected_result_gets_no_reminder(city):
    ready_at = vn(2026, 3, 5, 10)
    d = _result_ready(city, ready_at)
    svc.dossier_return_result(dossier_id=d.pk, officer=city.officer, at=ready_at + DAY)
    assert svc.dossier_send_reminders(now=ready_at + 30 * DAY).results == 0


def test_fees_still_owed_are_reminded_with_the_amount_in_vietnamese_format(city, settings):
    settings.LANGUAGE_CODE = "vi"
    d = _in_process(city)
    asked = vn(2026, 3, 3, 9)
    svc.dossier_request_payment(dossier_id=d.pk, actor=city.specialist, amount=1200000,
                                at=asked)
    assert svc.dossier_send_reminders(now=asked + 2 * DAY).payments == 0
    assert svc.dossier_send_reminders(now=asked + 4 * DAY).payments > 0
    assert _reminders("payment_reminder") == [f"reminder:payment:{d.pk}:1"]
    bodies = " ".join(Delivery.objects.filter(event="payment_reminder")
                      .values_list("body", flat=True))
    assert "1.200.000" in bodies


def test_the_reminder_sweep_is_a_registered_periodic_job():
    from onestop.core.scheduler import periodic_jobs

    assert "dossier_reminders" in {job.name for job in periodic_jobs()}
