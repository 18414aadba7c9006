"""Rebuilding the roll-ups from the raw records (all, or every day from a date)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from onestop.core.models import AuditChainHead
from onestop.dossiers.models import Dossier
from onestop.feedback.models import Feedback, Rating
from onestop.payments.models import Payment

from ..models import DailyRollup, DossierFact, FeedbackFact, RollupCursor
from .facts import (
    CHUNK,
    FACT_RULES,
    Counters,
    Key,
    _Calendars,
    compute_facts,
    compute_feedback_facts,
)
from .store import (
    _add,
    _apply,
    _insert,
    _lock_cursor,
    _stored_facts,
    _stored_fb_facts,
    _write_facts,
    _write_fb_facts,
)


@dataclass
class RebuildResult:
    dossiers: int = 0
    feedback: int = 0
    rows: int = 0
    last_seq: int = 0


def _head_seq() -> int:
    head = AuditChainHead.objects.filter(id=1).values_list("seq", flat=True).first()
    return int(head or 0)


def _id_chunks(qs: Any) -> Iterator[list[int]]:
    """Ids of a queryset in ascending chunks, by keyset (no OFFSET, no big IN list)."""
    last = 0
    while True:
        chunk = list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


def rebuild(*, since: datetime.date | None = None, stale_only: bool = False
            ) -> RebuildResult | None:
    """Recompute the roll-ups from the raw records: all of them, or every day from `since`.

    With `since`, the rows of earlier days are kept; the dossiers active from that day on
    get fresh facts, and any change to their earlier days is applied as a difference.
    `stale_only`: a full rebuild only if the roll-ups were built with older rules
    (FACT_RULES), else None; several workers asking at once rebuild once.
    """
    result = RebuildResult()
    cals = _Calendars()
    with transaction.atomic():
        cursor = _lock_cursor(wait=True)
        if stale_only:
            assert since is None
            if cursor is not None and cursor.rules_version >= FACT_RULES:
                return None
        result.last_seq = _head_seq()
        totals: dict[Key, Counters] = {}
        if since is None:
            DailyRollup.objects.all().delete()
            DossierFact.objects.all().delete()
            FeedbackFact.objects.all().delete()
            dossier_chunks: Iterable[list[int]] = _id_chunks(Dossier.objects.all())
            feedback_chunks: Iterable[list[int]] = _id_chunks(Feedback.objects.all())
        else:
            start = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
            DailyRollup.objects.filter(day__gte=since).delete()
            day_q = (Q(received_on__gte=since) | Q(finished_on__gte=since)
                     | Q(returned_on__gte=since) | Q(paid_on__gte=since)
                     | Q(rated_on__gte=since))
            ids = set(DossierFact.objects.filter(day_q).values_list("dossier_id", flat=True))
            ids |= set(Dossier.objects.filter(
                Q(received_at__gte=start) | Q(finished_at__gte=start)
                | Q(returned_at__gte=start)).values_list("pk", flat=True))
            ids |= set(Payment.objects.filter(settled_at__gte=start, dossier_link__isnull=False)
                       .values_list("dossier_link__dossier_id", flat=True))
            ids |= set(Rating.objects.filter(created_at__gte=start)
                       .values_list("dossier_id", flat=True))
            ordered = sorted(ids)
            dossier_chunks = (ordered[i:i + CHUNK] for i in range(0, len(ordered), CHUNK))
            fb = set(FeedbackFact.objects.filter(due_on__gte=since)
                     .values_list("feedback_id", flat=True))
            fb |= set(Feedback.objects.filter(deadline_at__gte=start)
                      .values_list("pk", flat=True))
            fb_ordered = sorted(fb)
            feedback_chunks = (fb_ordered[i:i + CHUNK] for i in range(0, len(fb_ordered), CHUNK))
        for chunk in dossier_chunks:
            new = compute_facts(chunk, cals=cals)
            if since is not None:
                old = _stored_facts(chunk)
                deltas: dict[Key, Counters] = {}
                for pk in chunk:
                    if pk in old:
                        _add(deltas, old[pk].contributions(), -1, before=since)
                    if pk in new:
                        _add(deltas, new[pk].contributions(), +1, before=since)
                result.rows += _apply(deltas)
                _write_facts(chunk, new)
            else:
                DossierFact.objects.bulk_create(
                    [DossierFact(dossier_id=pk, **asdict(f)) for pk, f in new.items()],
                    batch_size=2000)
            for fact in new.values():
                _add(totals, fact.contributions(), +1, since=since)
            result.dossiers += len(chunk)
        for chunk in feedback_chunks:
            fb_new = compute_feedback_facts(chunk)
            if since is not None:
                fb_old = _stored_fb_facts(chunk)
                deltas = {}
                for pk in chunk:
                    if pk in fb_old:
                        _add(deltas, fb_old[pk].contributions(), -1, before=since)
                    if pk in fb_new:
                        _add(deltas, fb_new[pk].contributions(), +1, before=since)
                result.rows += _apply(deltas)
            _write_fb_facts(chunk, fb_new)
            for fb_fact in fb_new.values():
                _add(totals, fb_fact.contributions(), +1, since=since)
            result.feedback += len(chunk)
        _insert(totals)
        result.rows += len(totals)
        done = {"last_seq": result.last_seq, "rebuilt_at": timezone.now()}
        if since is None:
            done["rules_version"] = FACT_RULES
        RollupCursor.objects.filter(id=1).update(**done)
    return result
