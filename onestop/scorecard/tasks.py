"""Background tasks of the scorecard (django-tasks; run by `onestop worker`)."""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from . import rollups, services


@task()
def scorecard_refresh_task() -> dict[str, int | bool]:
    """Apply the audit events since the last run to the roll-ups (idempotent)."""
    return asdict(rollups.refresh())


@task()
def scorecard_targets_task() -> dict[str, int]:
    """Flag the targets whose units fell behind (idempotent)."""
    return {"behind": services.targets_check()}
