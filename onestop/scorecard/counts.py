"""The figures behind every measured indicator, for one scope and period, two ways.

`from_rollups` sums the daily roll-ups (cost: days × active keys, independent of the
number of dossiers); `direct` computes the same figures straight from the raw records
(cost: every dossier of the period). The roll-up test and perf/bench_scorecard.py check
that both agree; pages only ever use `from_rollups`.

A scope is a unit (an agency: the dossiers it handles or receives, the feedback it is in
charge of) or None for the whole city. Periods are local dates, both ends included.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from onestop.agencies.models import Agency
from onestop.core.calendars import calendar_for
from onestop.dossiers.models import Channel, ClockPause, Dossier, DossierDocument, Status
from onestop.feedback.models import Feedback, Rating, RatingScore
from onestop.payments.models import Payment

from .models import DailyRollup
from .rollups import SETTLED, is_online_payment, paused_seconds


@dataclass
class Counts:
    received: int = 0
    received_online: int = 0
    digitised: int = 0
    finished: int = 0
    finished_on_time: int = 0
    finished_late: int = 0
    complained: int = 0
    processing_seconds: int = 0
    legal_seconds: int = 0
    returned: int = 0
    returned_e_result: int = 0
    paid: int = 0
    paid_online: int = 0
    rated: int = 0
    rating_score_sum: int = 0
    rating_score_count: int = 0
    feedback_due: int = 0
    feedback_on_time: int = 0
    # Working days (Decimal, exact): seconds ÷ the office-day length of each receiving centre.
    processing_days: Decimal = Decimal(0)
    legal_days: Decimal = Decimal(0)
    # Procedures with at least one online filing / paid dossier / online payment.
    procedures_online_filed: frozenset[int] = field(default_factory=frozenset)
    procedures_paid: frozenset[int] = field(default_factory=frozenset)
    procedures_paid_online: frozenset[int] = field(default_factory=frozenset)
    # The national sync outbox (national/selectors.py portal_sync): dossiers due, synced,
    # held back for want of a national code.
    national_due: int = 0
    national_synced: int = 0
    national_unmapped: int = 0


COUNTERS = DailyRollup.COUNTERS


def bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime,
                                                              datetime.datetime]:
    """[start 00:00, day after end 00:00) in local time, as aware moments."""
    lo = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    hi = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1),
                                                       datetime.time()))
    return lo, hi


def _day_length(centre_id: int, cache: dict[int, int]) -> int:
    if centre_id not in cache:
        agency = Agency.objects.filter(pk=centre_id).first()
        cache[centre_id] = calendar_for(agency).days_to_seconds(1)
    return cache[centre_id]


def _days(seconds_by_centre: dict[int, int], cache: dict[int, int]) -> Decimal:
    return sum((Decimal(s) / Decimal(_day_length(c, cache))
                for c, s in seconds_by_centre.items() if s), Decimal(0))


def rollup_scope(unit_id: int | None) -> Q:
    if unit_id is None:
        return Q()
    return Q(agency_id=unit_id) | Q(centre_id=unit_id)


def rollup_rows(unit_id: int | None, start: datetime.date, end: datetime.date
                ) -> QuerySet[DailyRollup]:
    return DailyRollup.objects.filter(rollup_scope(unit_id), day__gte=start, day__lte=end)


def grouped(unit_id: int | None, start: datetime.date, end: datetime.date, *,
            by_month: bool = False) -> list[dict[str, Any]]:
    """Roll-up sums per (centre, agency, procedure[, month]) of the scope and period: one
    query whose size depends on the active keys, never on the number of dossiers."""
    qs = rollup_rows(unit_id, start, end)
    keys = ["centre_id", "agency_id", "procedure_id"]
    if by_month:
        qs = qs.annotate(month=TruncMonth("day"))
        keys.append("month")
    return list(qs.values(*keys).annotate(**{c: Sum(c) for c in COUNTERS}).order_by())


def in_unit(row: dict[str, Any], unit_id: int | None) -> bool:
    return unit_id is None or row["agency_id"] == unit_id or row["centre_id"] == unit_id


def counts_from_rows(rows: Iterable[dict[str, Any]],
                     day_lengths: dict[int, int] | None = None) -> Counts:
    counts = Counts()
    seconds: dict[int, int] = defaultdict(int)
    legal: dict[int, int] = defaultdict(int)
    online: set[int] = set()
    paid: set[int] = set()
    paid_online: set[int] = set()
    for row in rows:
        for c in COUNTERS:
            setattr(counts, c, getattr(counts, c) + int(row[c] or 0))
        seconds[row["centre_id"]] += int(row["processing_seconds"] or 0)
        legal[row["centre_id"]] += int(row["legal_seconds"] or 0)
        if row["received_online"]:
            online.add(row["procedure_id"])
        if row["paid"]:
            paid.add(row["procedure_id"])
        if row["paid_online"]:
            paid_online.add(row["procedure_id"])
    cache = day_lengths if day_lengths is not None else {}
    counts.processing_days = _days(seconds, cache)
    counts.legal_days = _days(legal, cache)
    counts.procedures_online_filed = frozenset(online)
    counts.procedures_paid = frozenset(paid)
    counts.procedures_paid_online = frozenset(paid_online)
    return counts


def with_national(counts: Counts, unit_id: int | None, start: datetime.date,
                  end: datetime.date) -> Counts:
    """Add the national sync figures, read from the national app's outbox (its selector:
    the scorecard reads national, never the reverse)."""
    from onestop.national.selectors import portal_sync

    lo, hi = bounds(start, end)
    sync = portal_sync(unit_id=unit_id, start=lo, end=hi)
    counts.national_due, counts.national_synced = sync.due, sync.synced
    counts.national_unmapped = sync.unmapped
    return counts


def from_rollups(unit_id: int | None, start: datetime.date, end: datetime.date) -> Counts:
    return with_national(counts_from_rows(grouped(unit_id, start, end)), unit_id, start, end)


def _dossier_scope(unit_id: int | None) -> Q:
    if unit_id is None:
        return Q()
    return Q(handling_agency_id=unit_id) | Q(receiving_agency_id=unit_id)


def direct(unit_id: int | None, start: datetime.date, end: datetime.date) -> Counts:
    """The same figures from the raw records (the reference the roll-ups are checked with)."""
    lo, hi = bounds(start, end)
    scope = _dossier_scope(unit_id)
    dossiers = Dossier.objects.filter(scope)
    counts = Counts()
    proc = "procedure_version__procedure_id"

    received = dossiers.filter(received_at__gte=lo, received_at__lt=hi)
    submitted = DossierDocument.objects.filter(dossier=OuterRef("pk"),
                                               kind=DossierDocument.Kind.SUBMITTED)
    agg = received.annotate(
        has_docs=Exists(submitted), missing=Exists(submitted.filter(file=""))
    ).aggregate(
        n=Count("pk"), online=Count("pk", filter=Q(channel=Channel.ONLINE)),
        digitised=Count("pk", filter=Q(has_docs=True, missing=False)))
    counts.received, counts.received_online = agg["n"], agg["online"]
    counts.digitised = agg["digitised"]
    counts.procedures_online_filed = frozenset(
        received.filter(channel=Channel.ONLINE).values_list(proc, flat=True).distinct())

    finished = list(dossiers.filter(
        received_at__isnull=False, finished_at__gte=lo, finished_at__lt=hi,
    ).exclude(status=Status.WITHDRAWN).annotate(
        complaint=Exists(Feedback.objects.filter(dossier=OuterRef("pk")))
    ).select_related("receiving_agency", "procedure_version"))
    pauses: dict[int, list[ClockPause]] = defaultdict(list)
    for s in ClockPause.objects.filter(dossier__in=[d.pk for d in finished]):
        pauses[s.dossier_id].append(s)
    seconds: dict[int, int] = defaultdict(int)
    legal: dict[int, int] = defaultdict(int)
    for d in finished:
        assert d.received_at is not None and d.finished_at is not None
        cal = calendar_for(d.receiving_agency)
        pause = sum(paused_seconds(cal, requested_at=s.started_at, resolved_at=s.ended_at,
                                   paused=s.working_seconds, end=d.finished_at)
                    for s in pauses[d.pk])
        secs = max(0, cal.working_seconds_between(d.received_at, d.finished_at) - pause)
        counts.processing_seconds += secs
        seconds[d.receiving_agency_id] += secs
        law = cal.days_to_seconds(d.procedure_version.processing_days)
        counts.legal_seconds += law
        legal[d.receiving_agency_id] += law
        late = d.is_overdue() or d.supplement_count > 1  # Decision 766: two supplements = late
        counts.finished += 1
        counts.finished_on_time += int(not late)
        counts.finished_late += int(late)
        counts.complained += int(d.complaint)  # type: ignore[attr-defined]
    cache: dict[int, int] = {}
    counts.processing_days = _days(seconds, cache)
    counts.legal_days = _days(legal, cache)

    returned = dossiers.filter(returned_at__gte=lo, returned_at__lt=hi)
    agg = returned.annotate(has_result=Exists(DossierDocument.objects.filter(
        dossier=OuterRef("pk"), kind=DossierDocument.Kind.RESULT))).aggregate(
        n=Count("pk"), with_result=Count("pk", filter=Q(has_result=True)))
    counts.returned, counts.returned_e_result = agg["n"], agg["with_result"]

    first_paid = dossiers.annotate(first=Min(
        "payment_links__payment__settled_at",
        filter=Q(payment_links__payment__state__in=SETTLED)))
    paid_rows = list(first_paid.filter(first__gte=lo, first__lt=hi).values_list("pk", proc))
    online_ids: set[int] = set()
    for did, channel, provider in Payment.objects.filter(
            dossier_link__dossier_id__in=[p for p, _ in paid_rows], state__in=SETTLED) \
            .values_list("dossier_link__dossier_id", "channel", "provider"):
        if is_online_payment(channel, provider):
            online_ids.add(did)
    counts.paid = len(paid_rows)
    counts.paid_online = len(online_ids)
    counts.procedures_paid = frozenset(p for _, p in paid_rows)
    counts.procedures_paid_online = frozenset(p for d, p in paid_rows if d in online_ids)

    ratings = Rating.objects.filter(created_at__gte=lo, created_at__lt=hi,
                                    dossier__in=dossiers)
    counts.rated = ratings.count()
    agg = RatingScore.objects.filter(rating__in=ratings).aggregate(s=Sum("score"),
                                                                   n=Count("pk"))
    counts.rating_score_sum, counts.rating_score_count = int(agg["s"] or 0), agg["n"]

    feedback = Feedback.objects.filter(deadline_at__gte=lo, deadline_at__lt=hi)
    if unit_id is not None:
        feedback = feedback.filter(agency_id=unit_id)
    counts.feedback_due = feedback.count()
    counts.feedback_on_time = sum(
        1 for answered, deadline in feedback.values_list("answered_at", "deadline_at")
        if answered is not None and answered <= deadline)
    return with_national(counts, unit_id, start, end)


def describe(counts: Counts) -> dict[str, Any]:
    """A plain dict of the counts (for JSON and for comparisons in tests)."""
    out: dict[str, Any] = {c: getattr(counts, c) for c in COUNTERS}
    out.update(processing_days=counts.processing_days, legal_days=counts.legal_days,
               procedures_online_filed=sorted(counts.procedures_online_filed),
               procedures_paid=sorted(counts.procedures_paid),
               procedures_paid_online=sorted(counts.procedures_paid_online),
               national_due=counts.national_due, national_synced=counts.national_synced,
               national_unmapped=counts.national_unmapped)
    return out
