"""Background tasks of the dossier lifecycle (django-tasks; run by `onestop worker`).

Tasks are thin surfaces: they call one service and return a JSON-serialisable summary,
which django-tasks-db stores as the task's result.
"""

from __future__ import annotations

from dataclasses import asdict

from django.utils import timezone
from django_tasks import task

from onestop.dossiers import services


@task()
def deadline_sweep_task() -> dict[str, int]:
    """Flag due-soon and overdue dossiers and prepare apology drafts (idempotent)."""
    result = services.deadline_sweep(now=timezone.now())
    return asdict(result)


@task()
def reminders_task() -> dict[str, int]:
    """Remind applicants of results to collect and fees owed (idempotent)."""
    return asdict(services.dossier_send_reminders(now=timezone.now()))
