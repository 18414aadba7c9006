"""Backlog counts read at metrics scrape time: one indexed COUNT each, no rows loaded."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone


def ready_task_count() -> int:
    """Tasks waiting for a worker (the queue depth)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="READY").count()


def running_task_count() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="RUNNING").count()


def overdue_dossier_count() -> int:
    from onestop.dossiers.models import Dossier
    from onestop.dossiers.selectors.queues import _overdue_q

    return Dossier.objects.filter(_overdue_q(timezone.now())).count()


def pending_notification_count() -> int:
    """Outbox messages not yet sent (waiting or being sent)."""
    from onestop.notifications.models import Delivery

    return Delivery.objects.filter(
        Q(state=Delivery.State.PENDING) | Q(state=Delivery.State.SENDING)).count()
