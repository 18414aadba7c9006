"""The periodic deadline sweep: scheduled once per slot, run by `onestop worker`."""

import datetime

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onestop.core.models import PeriodicRun
from onestop.core.scheduler import enqueue_due_jobs, periodic_jobs
from onestop.dossiers import services as svc
from onestop.dossiers.models import Dossier
from onestop.dossiers.tasks import deadline_sweep_task

pytestmark = pytest.mark.django_db(transaction=True)


def _sweep_only() -> list:
    # Other apps register periodic jobs too (payments); these tests are about this one.
    return [job for job in periodic_jobs() if job.name == "deadline_sweep"]


def _overdue_dossier(city) -> Dossier:
    # Received three weeks ago with a 3-working-day appointment: long overdue now.
    received = timezone.now() - datetime.timedelta(days=21)
    received = received.replace(hour=2, minute=0, second=0, microsecond=0)  # 09:00 in Vietnam
    return svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                         at=received)


@override_settings(ONESTOP_SWEEP_INTERVAL=300)
def test_two_schedulers_in_the_same_slot_enqueue_the_sweep_once():
    slot_start = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)  # a multiple of 300 s
    first = enqueue_due_jobs(slot_start, jobs=_sweep_only())
    second = enqueue_due_jobs(slot_start + datetime.timedelta(seconds=299), jobs=_sweep_only())
    assert first == ["deadline_sweep"]
    assert second == []
    assert DBTaskResult.objects.count() == 1
    assert PeriodicRun.objects.filter(job="deadline_sweep").count() == 1


@override_settings(ONESTOP_SWEEP_INTERVAL=300)
def test_the_next_slot_enqueues_again():
    slot_start = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)
    enqueue_due_jobs(slot_start, jobs=_sweep_only())
    assert enqueue_due_jobs(slot_start + datetime.timedelta(seconds=300),
                            jobs=_sweep_only()) == ["deadline_sweep"]
    assert DBTaskResult.objects.count() == 2


def test_old_periodic_runs_are_pruned():
    enqueue_due_jobs(timezone.now(), jobs=_sweep_only())
    assert PeriodicRun.objects.count() == 1
    enqueue_due_jobs(timezone.now() + datetime.timedelta(days=2), jobs=_sweep_only())
    assert PeriodicRun.objects.count() == 1  # the first one pruned, the new one kept


def test_worker_batch_runs_the_sweep_and_flags_an_overdue_dossier(city):
    dossier = _overdue_dossier(city)
    assert dossier.overdue_flagged_at is None
    call_command("worker", "--batch", verbosity=0)
    dossier.refresh_from_db()
    assert dossier.overdue_flagged_at is not None
    result = DBTaskResult.objects.get(task_path=deadline_sweep_task.module_path)
    assert result.status == "SUCCESSFUL"
    assert result.return_value == {"due_soon": 0, "overdue": 1, "apologies": 1}


def test_running_the_sweep_twice_changes_nothing_the_second_time(city):
    dossier = _overdue_dossier(city)
    first = deadline_sweep_task.call()
    dossier.refresh_from_db()
    flagged_at, version = dossier.overdue_flagged_at, dossier.version
    second = deadline_sweep_task.call()
    dossier.refresh_from_db()
    assert first == {"due_soon": 0, "overdue": 1, "apologies": 1}
    assert second == {"due_soon": 0, "overdue": 0, "apologies": 0}
    assert (dossier.overdue_flagged_at, dossier.version) == (flagged_at, version)
    assert dossier.apologies.count() == 1
