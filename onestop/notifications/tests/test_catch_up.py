"""The periodic catch-up delivers what a crashed worker or a lost task left behind."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onestop.accounts.models import User
from onestop.core.scheduler import enqueue_due_jobs, periodic_jobs
from onestop.dossiers import services as svc
from onestop.notifications.models import Delivery
from onestop.notifications.tasks import deliver_due_task

pytestmark = pytest.mark.django_db(transaction=True)


def _catch_up_only() -> list:
    return [job for job in periodic_jobs() if job.name == "notifications_catch_up"]


def _received_with_a_crashed_email(city) -> Delivery:
    """A dossier received; its e-mail row claimed by a worker that died mid-send."""
    citizen = User.objects.create_user(username="citizen", password="x-pass-123",
                                       email="an@example.vn", full_name="Nguyễn Văn An")
    d = svc.dossier_submit_online(filing=city.filing(account=citizen))
    svc.dossier_receive(dossier_id=d.pk, officer=city.officer)
    DBTaskResult.objects.all().delete()  # the delivery task was lost with the worker
    row = Delivery.objects.get(dossier=d, channel="email")
    Delivery.objects.filter(pk=row.pk).update(
        state=Delivery.State.SENDING, attempts=1,
        claimed_until=timezone.now() - datetime.timedelta(seconds=1))
    return row


def test_the_catch_up_is_a_registered_periodic_job(settings):
    settings.ONESTOP_NOTIFY_CATCHUP_INTERVAL = 120
    [job] = _catch_up_only()
    assert job.interval == 120
    assert job.task is deliver_due_task


def test_the_catch_up_is_enqueued_once_per_slot():
    slot_start = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)
    assert enqueue_due_jobs(slot_start, jobs=_catch_up_only()) == ["notifications_catch_up"]
    assert enqueue_due_jobs(slot_start + datetime.timedelta(seconds=30),
                            jobs=_catch_up_only()) == []
    assert DBTaskResult.objects.filter(task_path=deliver_due_task.module_path).count() == 1


def test_a_worker_run_sends_a_row_left_by_a_crashed_worker_once(city):
    row = _received_with_a_crashed_email(city)
    mail.outbox.clear()
    call_command("worker", "--batch", verbosity=0)
    row.refresh_from_db()
    assert row.state == Delivery.State.SENT and row.attempts == 2
    assert len(mail.outbox) == 1
    # Running the catch-up again finds nothing due and sends nothing more.
    assert deliver_due_task.call() == {}
    assert len(mail.outbox) == 1
