"""Background work of the bills hub (django-tasks). Thin: one service each."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from . import services


@task()
def biller_callback_task(callback_id: int) -> bool:
    """Deliver one biller callback (a no-op once acknowledged or not yet due)."""
    return services.callback_deliver(callback_id=callback_id, now=timezone.now())


@task()
def biller_callback_sweep_task() -> int:
    """Periodic: retry the callbacks that are due."""
    return services.callback_sweep(now=timezone.now())
