"""`onestop worker`: run background tasks and the periodic schedule in one process.

It is django-tasks-db's worker (the `db_worker` command) plus a scheduler thread that calls
onestop.core.scheduler.enqueue_due_jobs every few seconds (the jobs each app registered in its
AppConfig.ready()). Start as many workers as you like,
on as many machines: tasks are claimed with row locks and each periodic slot is claimed once.
"""

from __future__ import annotations

import logging
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker, valid_interval

from onestop.core.scheduler import enqueue_due_jobs
from onestop.core.secrets import require_secret_key

logger = logging.getLogger("onestop.worker")


def _schedule_once() -> list[str]:
    try:
        return enqueue_due_jobs(timezone.now())
    finally:
        close_old_connections()


def _schedule_forever(stop: threading.Event, tick: float) -> None:
    while not stop.is_set():
        try:
            _schedule_once()
        except Exception:  # keep scheduling after a transient database error
            logger.exception("periodic scheduling failed; retrying in %.0f s", tick)
        stop.wait(tick)


class Command(BaseCommand):
    help = "Run background tasks and the periodic deadline sweep."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch", action="store_true",
            help="Schedule once, run every queued task, then exit (for tests and cron).",
        )
        parser.add_argument(
            "--interval", type=valid_interval, default=1.0,
            help="Seconds to wait between polls of an empty queue (default: 1).",
        )
        parser.add_argument(
            "--schedule-every", type=valid_interval, default=5.0,
            help="Seconds between checks of the periodic schedule (default: 5).",
        )
        parser.add_argument(
            "--queue-name", default="default",
            help="Queues to process, comma-separated; '*' for all (default: default).",
        )

    def handle(self, *args: Any, batch: bool, interval: float, schedule_every: float,
               queue_name: str, **options: Any) -> None:
        try:
            require_secret_key("onestop worker")
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        worker = Worker(
            queue_names=queue_name.split(","), interval=interval, batch=batch,
            backend_name="default", startup_delay=not batch, max_tasks=None,
            worker_id=get_random_string(32), excluded_queue_names=[],
        )
        if batch:
            enqueued = _schedule_once()
            if enqueued:
                self.stdout.write("Enqueued: " + ", ".join(enqueued))
            worker.run()
            return
        stop = threading.Event()
        scheduler = threading.Thread(
            target=_schedule_forever, args=(stop, schedule_every), name="onestop-scheduler",
            daemon=True,
        )
        scheduler.start()
        self.stdout.write(f"Worker started (scheduler every {schedule_every:g} s).")
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
