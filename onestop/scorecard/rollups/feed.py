"""The change feed: the audit events after the cursor, mapped to the dossiers and feedback
they touched, applied to the roll-ups (`refresh`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from onestop.core.models import AuditEvent
from onestop.feedback.models import Feedback, Rating
from onestop.payments.models import FeeItem, Payment, Refund

from ..models import RollupCursor
from .facts import (
    EVENT_BATCH,
    FACT_RULES,
    _Calendars,
)
from .rebuild import rebuild
from .store import _lock_cursor, sync_dossiers, sync_feedback


def _touched(events: list[tuple[str, str]]) -> tuple[set[int], set[int]]:
    """Dossier and feedback ids touched by (object_type, object_id) audit events."""
    by_type: dict[str, set[str]] = defaultdict(set)
    for object_type, object_id in events:
        by_type[object_type].add(object_id)
    dossiers = {int(x) for x in by_type["dossier"] if x.isdigit()}
    feedback = {int(x) for x in by_type["feedback"] if x.isdigit()}
    if by_type["rating"]:
        dossiers |= set(Rating.objects.filter(pk__in=[int(x) for x in by_type["rating"]
                                                      if x.isdigit()])
                        .values_list("dossier_id", flat=True))
    if by_type["payment"]:
        dossiers |= set(Payment.objects.filter(reference__in=by_type["payment"],
                                               dossier_link__isnull=False)
                        .values_list("dossier_link__dossier_id", flat=True))
    if by_type["refund"]:
        dossiers |= set(Refund.objects.filter(
            pk__in=[int(x) for x in by_type["refund"] if x.isdigit()],
            payment__dossier_link__isnull=False)
            .values_list("payment__dossier_link__dossier_id", flat=True))
    if by_type["fee_item"]:
        dossiers |= set(FeeItem.objects.filter(
            pk__in=[int(x) for x in by_type["fee_item"] if x.isdigit()],
            dossier_link__isnull=False).values_list("dossier_link__dossier_id", flat=True))
    if feedback:
        # A verified complaint changes its dossier's "with complaints" flag.
        dossiers |= set(Feedback.objects.filter(pk__in=feedback, dossier__isnull=False)
                        .values_list("dossier_id", flat=True))
    return dossiers, feedback


@dataclass
class RefreshResult:
    events: int = 0
    dossiers: int = 0
    feedback: int = 0
    rows: int = 0
    last_seq: int = 0
    skipped: bool = False
    rebuilt: bool = False  # the roll-ups were built with older rules: rebuilt instead


def refresh(*, max_events: int | None = None) -> RefreshResult:
    """Bring the roll-ups up to the latest committed audit event (idempotent).

    Another refresh or rebuild in progress holds the cursor: this one returns at once
    (skipped) rather than queueing behind it.
    """
    result = RefreshResult()
    cals = _Calendars()
    if RollupCursor.objects.filter(id=1, rules_version__lt=FACT_RULES).exists():
        built = rebuild(stale_only=True)
        if built is not None:
            result.rebuilt = True
            result.last_seq = built.last_seq
            result.rows = built.rows
            result.dossiers = built.dossiers
            return result
    with transaction.atomic():
        cursor = _lock_cursor(wait=False)
        if cursor is None:
            result.skipped = True
            return result
        last = cursor.last_seq
        while max_events is None or result.events < max_events:
            batch = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")
                         .values_list("seq", "object_type", "object_id")[:EVENT_BATCH])
            if not batch:
                break
            dossiers, feedback = _touched([(t, i) for _s, t, i in batch])
            result.rows += sync_dossiers(dossiers, cals=cals)
            result.rows += sync_feedback(feedback)
            result.events += len(batch)
            result.dossiers += len(dossiers)
            result.feedback += len(feedback)
            last = batch[-1][0]
        cursor.last_seq = last
        cursor.refreshed_at = timezone.now()
        cursor.save(update_fields=["last_seq", "refreshed_at"])
        result.last_seq = last
    return result
