"""Background work of the exchange (django-tasks). Thin: one service each."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def deliver_task() -> int:
    """Send the deliveries that are due (also the periodic retry sweep)."""
    return services.deliveries_run()


def deliver_soon() -> None:
    """On commit of a send: deliver now rather than at the next sweep."""
    deliver_task.enqueue()
