"""Reminders to the applicant: a result waiting to be collected (status 9) and fees still
owed (status 6).

The first reminder goes ONESTOP_REMINDER_AFTER_DAYS calendar days after the dossier entered
the status, then one every ONESTOP_REMINDER_EVERY_DAYS days, at most ONESTOP_REMINDER_MAX.
Reminder n of a dossier has its own notification event key, so the sweep is idempotent: run
it twice, or on several workers at once, and each reminder is written once (the outbox's
unique key). A dossier that moved on gets no more reminders.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from onestop.core.clock import now_or
from onestop.core.models import AuditEvent
from onestop.notifications.services import notify_dossier_reminder

from ..models import Dossier, Status


@dataclass(frozen=True)
class ReminderRun:
    results: int  # notification rows written about results waiting
    payments: int  # … about fees owed


def reminder_number(*, since: datetime.datetime, now: datetime.datetime) -> int:
    """Which reminder is due `now` for a state entered at `since` (0: none yet)."""
    first = datetime.timedelta(days=settings.ONESTOP_REMINDER_AFTER_DAYS)
    every = datetime.timedelta(days=settings.ONESTOP_REMINDER_EVERY_DAYS)
    if now - since < first:
        return 0
    return min(1 + (now - since - first) // every, settings.ONESTOP_REMINDER_MAX)


def _entered(status: Status, pks: list[int]) -> dict[int, tuple[datetime.datetime, dict]]:
    """{dossier id: (when it last entered `status`, that event's data)} from the audit log."""
    rows = (AuditEvent.objects.filter(object_type="dossier", to_state=str(int(status)),
                                      object_id__in=[str(pk) for pk in pks])
            .values("object_id").annotate(last=Max("at")))
    last = {int(r["object_id"]): r["last"] for r in rows}
    data = {int(e.object_id): e.data for e in AuditEvent.objects.filter(
        object_type="dossier", to_state=str(int(status)),
        object_id__in=[str(pk) for pk in last], at__in=list(last.values()))}
    return {pk: (at, data.get(pk, {})) for pk, at in last.items()}


@transaction.atomic
def dossier_send_reminders(*, now: datetime.datetime | None = None) -> ReminderRun:
    now = now_or(now)
    earliest = now - datetime.timedelta(days=settings.ONESTOP_REMINDER_AFTER_DAYS)
    related = ("procedure_version", "receiving_agency", "applicant")
    results = payments = 0
    for d in Dossier.objects.filter(status=Status.RESULT_READY, finished_at__lte=earliest
                                    ).select_related(*related).order_by("pk"):
        number = reminder_number(since=d.finished_at, now=now) if d.finished_at else 0
        if number:
            results += notify_dossier_reminder(dossier=d, kind="result", number=number, at=now)
    owed = list(Dossier.objects.filter(status=Status.AWAITING_PAYMENT)
                .select_related(*related).order_by("pk"))
    entered = _entered(Status.AWAITING_PAYMENT, [d.pk for d in owed])
    for d in owed:
        since, data = entered.get(d.pk, (None, {}))
        number = reminder_number(since=since, now=now) if since else 0
        if number:
            amount = data.get("amount")
            payments += notify_dossier_reminder(
                dossier=d, kind="payment", number=number, at=now,
                amount=int(amount) if isinstance(amount, int) else None)
    return ReminderRun(results=results, payments=payments)
