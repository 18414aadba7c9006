"""Background sync to the national portal (django-tasks; run by `onestop worker`)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def sync_run_task() -> dict[str, int]:
    """Send the outbox rows that are due, in order per dossier."""
    return services.sync_run()
