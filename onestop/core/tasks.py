"""Background work of core (django-tasks; run by `onestop worker`)."""

from __future__ import annotations

from django_tasks import task

from .checkpoints import checkpoint_write


@task()
def audit_checkpoint_task() -> int | None:
    """Sign the audit chain's head (core.checkpoints); the event number signed, if any."""
    checkpoint = checkpoint_write()
    return checkpoint.seq if checkpoint else None
