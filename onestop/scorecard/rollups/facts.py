"""Per-dossier and per-feedback facts computed from the raw records (what each contributes
to which day's roll-up)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from onestop.agencies.models import Agency
from onestop.core.calendars import calendar_for
from onestop.dossiers.models import Channel, ClockPause, Dossier, DossierDocument, Status
from onestop.feedback.models import Feedback, Rating
from onestop.payments.models import Channel as PayChannel
from onestop.payments.models import Payment

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
