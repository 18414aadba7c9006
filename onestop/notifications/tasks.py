"""Background delivery of the outbox (django-tasks; run by `onestop worker`)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def deliver_task(ids: list[int]) -> dict[str, int]:
    """Send the given deliveries; a row already sent (or held by another worker) is skipped."""
    return services.deliver_many(ids=ids)


@task()
def deliver_due_task() -> dict[str, int]:
    """Catch-up: send what is due, including rows whose worker died mid-send."""
    return services.deliver_due()
