"""A tiny periodic scheduler shared by any number of `onestop worker` processes.

Time is cut into slots of `interval` seconds (slot = Unix time // interval). For each due
job, every worker tries to INSERT a PeriodicRun(job, slot) row; the unique constraint
`periodic_run_once` lets exactly one insert succeed, and only that worker enqueues the task.
So several workers on several machines never enqueue the same slot twice, and nothing but
the database is needed to coordinate them.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from .models import PeriodicRun

logger = logging.getLogger(__name__)

# PeriodicRun rows only need to outlive their slot; a day keeps a short trace for operators.
KEEP_RUNS = datetime.timedelta(days=1)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    interval: int  # seconds
    task: Callable[[], Any]  # returns the django-tasks Task to enqueue (imported lazily)


def _sweep_task() -> Any:
    # Imported lazily: the scheduler lives in core, which must not import a domain app at
    # module import time (core is loaded first).
    from onestop.dossiers.tasks import deadline_sweep_task

    return deadline_sweep_task


def _payments_sweep_task() -> Any:
    from onestop.payments.tasks import payments_sweep_task

    return payments_sweep_task


def _scorecard_refresh_task() -> Any:
    from onestop.scorecard.tasks import scorecard_refresh_task

    return scorecard_refresh_task


def _scorecard_targets_task() -> Any:
    from onestop.scorecard.tasks import scorecard_targets_task

    return scorecard_targets_task


def _notifications_catch_up_task() -> Any:
    from onestop.notifications.tasks import deliver_due_task

    return deliver_due_task


def _biller_callbacks_task() -> Any:
    from onestop.billing.tasks import biller_callback_sweep_task

    return biller_callback_sweep_task


def periodic_jobs() -> list[PeriodicJob]:
    """The registered periodic jobs; intervals are read from settings at each call."""
    return [
        PeriodicJob(
            name="deadline_sweep",
            interval=max(1, int(getattr(settings, "ONESTOP_SWEEP_INTERVAL", 300))),
            task=_sweep_task,
        ),
        # Pending gateway payments queried, old pending ones expired, unsent receipts resent.
        PeriodicJob(
            name="payments_sweep",
            interval=max(1, int(getattr(settings, "ONESTOP_PAYMENT_SWEEP_INTERVAL", 300))),
            task=_payments_sweep_task,
        ),
        # Scorecard roll-ups follow the audit log; targets falling behind are flagged hourly.
        PeriodicJob(
            name="scorecard_refresh",
            interval=max(1, int(getattr(settings, "ONESTOP_SCORECARD_INTERVAL", 60))),
            task=_scorecard_refresh_task,
        ),
        PeriodicJob(name="scorecard_targets", interval=3600, task=_scorecard_targets_task),
        # Biller callbacks due for a (re)try after their back-off.
        PeriodicJob(name="biller_callbacks", interval=60, task=_biller_callbacks_task),
        # Notifications a crashed worker left half-sent (lease expired) or whose task was
        # lost are delivered again; each row is claimed first, so this never sends twice.
        PeriodicJob(
            name="notifications_catch_up",
            interval=max(1, int(getattr(settings, "ONESTOP_NOTIFY_CATCHUP_INTERVAL", 60))),
            task=_notifications_catch_up_task,
        ),
    ]


def slot_of(now: datetime.datetime, interval: int) -> int:
    if now.tzinfo is None:
        raise ValueError("aware datetimes only")
    return int(now.timestamp()) // interval


def enqueue_due_jobs(
    now: datetime.datetime, *, jobs: list[PeriodicJob] | None = None
) -> list[str]:
    """Enqueue each job whose current slot nobody has claimed yet; returns the names enqueued.

    The claim (INSERT) and the enqueue run in one transaction, so a failed enqueue releases
    the slot for another worker. Old PeriodicRun rows are pruned in the same pass.
    """
    jobs = jobs if jobs is not None else periodic_jobs()
    enqueued: list[str] = []
    for job in jobs:
        slot = slot_of(now, job.interval)
        with transaction.atomic():
            try:
                # A savepoint: the failed INSERT must not poison the outer transaction
                # (PostgreSQL aborts a transaction after an error otherwise).
                with transaction.atomic():
                    PeriodicRun.objects.create(job=job.name, slot=slot)
            except IntegrityError:
                continue  # another worker claimed this slot
            job.task().enqueue()
        enqueued.append(job.name)
        logger.info("enqueued periodic job %s (slot %s)", job.name, slot)
    for job in jobs:
        # Pruned by slot rather than started_at so the pass is judged against `now` alone.
        oldest_kept = slot_of(now - KEEP_RUNS, job.interval)
        PeriodicRun.objects.filter(job=job.name, slot__lt=oldest_kept).delete()
    return enqueued
