"""A tiny periodic scheduler shared by any number of `onestop worker` processes.

Each app registers its own periodic jobs in its `AppConfig.ready()`
(`register_periodic_job(...)`); core knows none of them. Time is cut into slots of `interval`
seconds (slot = Unix time // interval). For each due job, every worker tries to INSERT a
PeriodicRun(job, slot) row; the unique constraint `periodic_run_once` lets exactly one insert
succeed, and only that worker enqueues the task. So several workers on several machines never
enqueue the same slot twice, and nothing but the database is needed to coordinate them.
"""

from __future__ import annotations

import datetime
import logging
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
    task: Any  # a django-tasks Task (anything with .enqueue())


@dataclass(frozen=True)
class _Registration:
    name: str
    every: int | str  # seconds, or the name of an integer setting read at each pass
    task: Any


_REGISTRY: dict[str, _Registration] = {}


def register_periodic_job(name: str, *, every: int | str, task: Any) -> None:
    """Run `task` once every `every` seconds across all workers.

    `every` is a number of seconds or the name of a setting holding it (read at each
    scheduling pass, so a changed setting takes effect without a restart of the registry).
    Registering a name again replaces the job (apps are set up once per process; tests may
    re-register).
    """
    if isinstance(every, int) and every < 1:
        raise ValueError(f"periodic job {name!r}: interval must be at least 1 s")
    _REGISTRY[name] = _Registration(name=name, every=every, task=task)


def _interval(registration: _Registration) -> int:
    if isinstance(registration.every, int):
        return registration.every
    value = int(getattr(settings, registration.every))
    if value < 1:
        raise ValueError(f"{registration.every} must be at least 1 (seconds)")
    return value


def periodic_jobs() -> list[PeriodicJob]:
    """The registered periodic jobs, by name; intervals are read from settings at each call."""
    return [PeriodicJob(name=r.name, interval=_interval(r), task=r.task)
            for r in sorted(_REGISTRY.values(), key=lambda r: r.name)]


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
            job.task.enqueue()
        enqueued.append(job.name)
        logger.info("enqueued periodic job %s (slot %s)", job.name, slot)
    for job in jobs:
        # Pruned by slot rather than started_at so the pass is judged against `now` alone.
        oldest_kept = slot_of(now - KEEP_RUNS, job.interval)
        PeriodicRun.objects.filter(job=job.name, slot__lt=oldest_kept).delete()
    return enqueued
