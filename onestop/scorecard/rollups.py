"""Per-dossier facts and the daily roll-ups, kept current from the audit log.

Design (docs/scorecard.md, "Roll-ups"):

* Every write in onestop appends an audit event in its own transaction
  (onestop.core.audit.audit_append), and events get a gap-free `seq` under a row lock on
  the chain head that is held until commit. So events become visible in `seq` order, and
  "every event up to seq N" is a consistent watermark: the audit log is the change feed.
* `refresh()` (a periodic job of onestop.core.scheduler, every
  ONESTOP_SCORECARD_INTERVAL seconds) reads the events after the cursor, maps them to the
  dossiers and feedback items they touched, recomputes those items' facts from the current
  rows, and applies the difference (new contributions − stored ones) to the roll-ups, then
  moves the cursor, all in one transaction holding the cursor row lock. Recomputing from
  current rows makes it idempotent: an event seen twice changes nothing the second time.
* `rebuild()` recomputes everything (or every day from a date) from the raw records, for
  data loaded around the services (bulk imports, the perf generator) and after a change of
  the working-time calendar.

A dossier contributes to up to five days: received (receipt, channel, digitisation),
finished (on time, processing time, complaints), returned (electronic result), first
settled payment (paid, online), and rated.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from onestop.agencies.models import Agency
from onestop.core.calendars import calendar_for
from onestop.core.models import AuditChainHead, AuditEvent
from onestop.dossiers.models import Channel, ClockPause, Dossier, DossierDocument, Status
from onestop.feedback.models import Feedback, Rating
from onestop.payments.models import Channel as PayChannel
from onestop.payments.models import FeeItem, Payment, Refund

from .models import DailyRollup, DossierFact, FeedbackFact, RollupCursor

Key = tuple[datetime.date, int, int, int]  # (day, centre, agency, procedure)
Counters = dict[str, int]

SETTLED = (Payment.State.SUCCEEDED, Payment.State.PARTIALLY_REFUNDED, Payment.State.REFUNDED)
CHUNK = 5000
EVENT_BATCH = 5000
# Bumped whenever the way facts are computed changes. The cursor remembers the version its
# roll-ups were built with; a migration that adds or resets it (or a deploy that bumps this)
# makes the next refresh rebuild everything first, with the current code, outside any
# migration. 2: on time is measured against the legal due moment (Dossier.legal_due_at) and
# every clock pause (supplement, payment wait) is taken out of the processing time.
FACT_RULES = 2


def local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def is_online_payment(channel: str, provider: str) -> bool:
    """Decision 766 online payment: not cash at the counter (Payment.is_online)."""
    return channel == PayChannel.ONLINE and provider != "cash"


@dataclass(frozen=True)
class Fact:
    centre_id: int
    agency_id: int
    procedure_id: int
    received_on: datetime.date | None = None
    online: bool = False
    digitised: bool = False
    finished_on: datetime.date | None = None
    on_time: bool = False
    processing_seconds: int = 0
    legal_seconds: int = 0
    complained: bool = False
    returned_on: datetime.date | None = None
    e_result: bool = False
    paid_on: datetime.date | None = None
    paid_online: bool = False
    rated_on: datetime.date | None = None
    rating_score_sum: int = 0
    rating_score_count: int = 0

    @property
    def empty(self) -> bool:
        return not any((self.received_on, self.finished_on, self.returned_on, self.paid_on,
                        self.rated_on))

    def contributions(self) -> dict[Key, Counters]:
        out: dict[Key, Counters] = defaultdict(dict)
        keys = (self.centre_id, self.agency_id, self.procedure_id)
        if self.received_on:
            c = out[(self.received_on, *keys)]
            c["received"] = 1
            c["received_online"] = int(self.online)
            c["digitised"] = int(self.digitised)
        if self.finished_on:
            c = out[(self.finished_on, *keys)]
            c["finished"] = 1
            c["finished_on_time"] = int(self.on_time)
            c["finished_late"] = int(not self.on_time)
            c["complained"] = int(self.complained)
            c["processing_seconds"] = self.processing_seconds
            c["legal_seconds"] = self.legal_seconds
        if self.returned_on:
            c = out[(self.returned_on, *keys)]
            c["returned"] = 1
            c["returned_e_result"] = int(self.e_result)
        if self.paid_on:
            c = out[(self.paid_on, *keys)]
            c["paid"] = 1
            c["paid_online"] = int(self.paid_online)
        if self.rated_on:
            c = out[(self.rated_on, *keys)]
            c["rated"] = 1
            c["rating_score_sum"] = self.rating_score_sum
            c["rating_score_count"] = self.rating_score_count
        return out


@dataclass(frozen=True)
class FbFact:
    agency_id: int
    procedure_id: int
    due_on: datetime.date
    on_time: bool

    def contributions(self) -> dict[Key, Counters]:
        key = (self.due_on, self.agency_id, self.agency_id, self.procedure_id)
        return {key: {"feedback_due": 1, "feedback_on_time": int(self.on_time)}}


FACT_FIELDS = [f.name for f in fields(Fact)]


# ---- computing facts from the raw records ------------------------------------------------------

class _Calendars:
    """Working-time calendars of receiving centres, read once per run."""

    def __init__(self) -> None:
        self._agencies: dict[int, Agency] = {}

    def of(self, agency_id: int) -> Any:
        agency = self._agencies.get(agency_id)
        if agency is None:
            agency = self._agencies[agency_id] = Agency.objects.get(pk=agency_id)
        return calendar_for(agency)


def paused_seconds(cal: Any, *, requested_at: datetime.datetime,
                   resolved_at: datetime.datetime | None, paused: int,
                   end: datetime.datetime) -> int:
    """Working seconds a pause (ClockPause) stopped the clock.

    The service stores it when the clock resumes; a pause with no stored figure (still open,
    or migrated from an old supplement request closed by a stop) counts from its start to
    its end (or to the processing end).
    """
    if paused:
        return paused
    return max(0, cal.working_seconds_between(requested_at, min(resolved_at or end, end)))


def compute_facts(dossier_ids: Iterable[int], *, cals: _Calendars | None = None
                  ) -> dict[int, Fact]:
    """The current facts of these dossiers (dossiers contributing nothing are left out)."""
    ids = list(dossier_ids)
    if not ids:
        return {}
    cals = cals or _Calendars()
    rows = list(Dossier.objects.filter(pk__in=ids).values_list(
        "pk", "receiving_agency_id", "handling_agency_id", "procedure_version__procedure_id",
        "procedure_version__processing_days", "channel", "status", "received_at",
        "finished_at", "returned_at", "legal_due_at", "supplement_count"))
    return _facts_from_rows(rows, cals)


def _facts_from_rows(rows: list[tuple[Any, ...]], cals: _Calendars) -> dict[int, Fact]:
    ids = [r[0] for r in rows]
    if not ids:
        return {}
    supplements: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for did, req, res, paused in ClockPause.objects.filter(dossier_id__in=ids) \
            .values_list("dossier_id", "started_at", "ended_at", "working_seconds"):
        supplements[did].append((req, res, paused))
    docs = {
        r["dossier_id"]: r for r in DossierDocument.objects.filter(dossier_id__in=ids)
        .values("dossier_id").annotate(
            submitted=Count("pk", filter=Q(kind=DossierDocument.Kind.SUBMITTED)),
            submitted_missing=Count("pk", filter=Q(kind=DossierDocument.Kind.SUBMITTED,
                                                   file="")),
            results=Count("pk", filter=Q(kind=DossierDocument.Kind.RESULT)))
    }
    paid: dict[int, list[Any]] = {}
    for did, settled_at, channel, provider in Payment.objects.filter(
            dossier_link__dossier_id__in=ids, state__in=SETTLED, settled_at__isnull=False) \
            .values_list("dossier_link__dossier_id", "settled_at", "channel", "provider"):
        assert settled_at is not None
        first, online = paid.get(did, [settled_at, False])
        paid[did] = [min(first, settled_at), online or is_online_payment(channel, provider)]
    complained = set(Feedback.objects.filter(dossier_id__in=ids)
                     .values_list("dossier_id", flat=True).distinct())
    ratings = {
        r["dossier_id"]: r for r in Rating.objects.filter(dossier_id__in=ids)
        .values("dossier_id", "created_at")
        .annotate(total=Sum("scores__score"), n=Count("scores"))
    }
    out: dict[int, Fact] = {}
    for (pk, centre, agency, procedure, days, channel, status, received_at, finished_at,
         returned_at, legal_due_at, supplement_count) in rows:
        received = received_at is not None
        # Refused at receipt (3) was never received; withdrawn (7) is never overdue
        # (Dossier.is_overdue): neither counts as processed.
        finished = received and finished_at is not None and status != Status.WITHDRAWN
        processing = legal = 0
        on_time = False
        if finished:
            cal = cals.of(centre)
            pause = sum(paused_seconds(cal, requested_at=req, resolved_at=res, paused=p,
                                       end=finished_at) for req, res, p in supplements[pk])
            processing = max(0, cal.working_seconds_between(received_at, finished_at) - pause)
            legal = cal.days_to_seconds(days)
            # Decision 766: on time against the receipt slip's appointment moved only by
            # paused time (legal_due_at: an apology never moves it); more than one
            # supplement request counts as late.
            on_time = (legal_due_at is not None and finished_at <= legal_due_at
                       and supplement_count <= 1)
        d = docs.get(pk)
        p = paid.get(pk)
        r = ratings.get(pk)
        fact = Fact(
            centre_id=centre, agency_id=agency, procedure_id=procedure,
            received_on=local_day(received_at), online=channel == Channel.ONLINE,
            digitised=bool(d and d["submitted"] and not d["submitted_missing"]),
            finished_on=local_day(finished_at) if finished else None, on_time=on_time,
            processing_seconds=processing, legal_seconds=legal,
            complained=finished and pk in complained,
            returned_on=local_day(returned_at), e_result=bool(d and d["results"]),
            paid_on=local_day(p[0]) if p else None, paid_online=bool(p and p[1]),
            rated_on=local_day(r["created_at"]) if r else None,
            rating_score_sum=int(r["total"] or 0) if r else 0,
            rating_score_count=int(r["n"] or 0) if r else 0,
        )
        if not fact.empty:
            out[pk] = fact
    return out


def compute_feedback_facts(feedback_ids: Iterable[int]) -> dict[int, FbFact]:
    out: dict[int, FbFact] = {}
    for pk, agency, procedure, deadline, answered in Feedback.objects.filter(
            pk__in=list(feedback_ids)).values_list("pk", "agency_id", "procedure_id",
                                                   "deadline_at", "answered_at"):
        day = local_day(deadline)
        assert day is not None
        out[pk] = FbFact(agency_id=agency, procedure_id=procedure or 0, due_on=day,
                         on_time=answered is not None and answered <= deadline)
    return out


# ---- stored facts ------------------------------------------------------------------------------

def _stored_facts(ids: Iterable[int]) -> dict[int, Fact]:
    return {row["dossier_id"]: Fact(**{k: row[k] for k in FACT_FIELDS})
            for row in DossierFact.objects.filter(dossier_id__in=list(ids))
            .values("dossier_id", *FACT_FIELDS)}


def _stored_fb_facts(ids: Iterable[int]) -> dict[int, FbFact]:
    return {pk: FbFact(a, p, d, t) for pk, a, p, d, t in FeedbackFact.objects.filter(
        feedback_id__in=list(ids)).values_list("feedback_id", "agency_id", "procedure_id",
                                               "due_on", "on_time")}


def _write_facts(ids: list[int], facts: dict[int, Fact]) -> None:
    DossierFact.objects.filter(dossier_id__in=ids).delete()
    DossierFact.objects.bulk_create(
        [DossierFact(dossier_id=pk, **asdict(f)) for pk, f in facts.items()], batch_size=2000)


def _write_fb_facts(ids: list[int], facts: dict[int, FbFact]) -> None:
    FeedbackFact.objects.filter(feedback_id__in=ids).delete()
    FeedbackFact.objects.bulk_create(
        [FeedbackFact(feedback_id=pk, **asdict(f)) for pk, f in facts.items()],
        batch_size=2000)


# ---- applying differences ----------------------------------------------------------------------

def _add(total: dict[Key, Counters], contributions: dict[Key, Counters], sign: int,
         *, before: datetime.date | None = None, since: datetime.date | None = None) -> None:
    for key, counters in contributions.items():
        if before is not None and key[0] >= before:
            continue
        if since is not None and key[0] < since:
            continue
        slot = total.setdefault(key, {})
        for name, value in counters.items():
            if value:
                slot[name] = slot.get(name, 0) + sign * value


def _apply(deltas: dict[Key, Counters]) -> int:
    """Add the deltas to the roll-up rows (UPDATE … SET c = c + d, INSERT when missing)."""
    written = 0
    for (day, centre, agency, procedure), counters in deltas.items():
        counters = {k: v for k, v in counters.items() if v}
        if not counters:
            continue
        key = {"day": day, "centre_id": centre, "agency_id": agency, "procedure_id": procedure}
        updated = DailyRollup.objects.filter(**key).update(
            **{name: F(name) + value for name, value in counters.items()})
        if not updated:
            DailyRollup.objects.create(**key, **counters)
        written += 1
    return written


def _insert(totals: dict[Key, Counters]) -> None:
    DailyRollup.objects.bulk_create(
        [DailyRollup(day=d, centre_id=c, agency_id=a, procedure_id=p, **counters)
         for (d, c, a, p), counters in totals.items() if any(counters.values())],
        batch_size=2000)


def sync_dossiers(ids: Iterable[int], *, cals: _Calendars | None = None) -> int:
    """Recompute these dossiers' facts and apply the difference to the roll-ups."""
    ids = sorted(set(ids))
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        new = compute_facts(chunk, cals=cals)
        old = _stored_facts(chunk)
        deltas: dict[Key, Counters] = {}
        for pk in chunk:
            if old.get(pk) == new.get(pk):
                continue
            if pk in old:
                _add(deltas, old[pk].contributions(), -1)
            if pk in new:
                _add(deltas, new[pk].contributions(), +1)
        changed = [pk for pk in chunk if old.get(pk) != new.get(pk)]
        _write_facts(changed, {pk: new[pk] for pk in changed if pk in new})
        written += _apply(deltas)
    return written


def sync_feedback(ids: Iterable[int]) -> int:
    ids = sorted(set(ids))
    new = compute_feedback_facts(ids)
    old = _stored_fb_facts(ids)
    deltas: dict[Key, Counters] = {}
    changed = [pk for pk in ids if old.get(pk) != new.get(pk)]
    for pk in changed:
        if pk in old:
            _add(deltas, old[pk].contributions(), -1)
        if pk in new:
            _add(deltas, new[pk].contributions(), +1)
    _write_fb_facts(changed, {pk: new[pk] for pk in changed if pk in new})
    return _apply(deltas)


# ---- the change feed ---------------------------------------------------------------------------

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


def _lock_cursor(*, wait: bool) -> RollupCursor | None:
    # A new cursor starts with nothing built: nothing built with older rules either.
    RollupCursor.objects.get_or_create(id=1, defaults={"rules_version": FACT_RULES})
    qs = RollupCursor.objects.select_for_update(skip_locked=not wait).filter(id=1)
    return qs.first()


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


# ---- rebuild -----------------------------------------------------------------------------------

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
