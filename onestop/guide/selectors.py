"""Reads of the city guide: search, nearby, the OCOP showcase, traffic status."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import and_

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from onestop.core.text import fold, fold_tokens

from .geo import box_around, distance_m
from .models import (
    OcopProduct,
    Place,
    PublishState,
    RoadSegment,
    TrafficReport,
)

RANK_PHRASE_IN_NAME, RANK_PREFIX, RANK_WORDS_IN_NAME, RANK_ELSEWHERE = 0, 1, 2, 3
MAX_RADIUS_M = 50_000


def published_places() -> QuerySet[Place]:
    return Place.objects.filter(state=PublishState.PUBLISHED).select_related("commune")


def place_search(*, query: str = "", category: str = "", commune_code: str = ""
                 ) -> QuerySet[Place]:
    """Published places with every word of `query` (accents and case ignored), best first:
    the phrase at the start of the name, the phrase in the name, every word in the name, then
    the words found elsewhere (address, commune, description); then by name."""
    qs = published_places()
    if category:
        qs = qs.filter(category=category)
    if commune_code:
        qs = qs.filter(commune_id=commune_code)
    tokens = fold_tokens(query)
    if not tokens:
        return qs.annotate(rank=Value(0, output_field=IntegerField())).order_by("search_name", "id")
    phrase = fold(query)
    qs = qs.filter(reduce(and_, (Q(search_name__contains=t) | Q(search_text__contains=t)
                                 for t in tokens)))
    in_name = reduce(and_, (Q(search_name__contains=t) for t in tokens))
    return qs.annotate(rank=Case(
        When(search_name__startswith=phrase, then=Value(RANK_PHRASE_IN_NAME)),
        When(search_name__contains=phrase, then=Value(RANK_PREFIX)),
        When(in_name, then=Value(RANK_WORDS_IN_NAME)),
        default=Value(RANK_ELSEWHERE), output_field=IntegerField(),
    )).order_by("rank", "search_name", "id")


@dataclass(frozen=True)
class Nearby:
    place: Place
    distance_m: int


def places_near(*, lat: Decimal, lon: Decimal, radius_m: int, category: str = "",
                query: str = "", offset: int = 0, limit: int | None = None) -> list[Nearby]:
    """Published places within radius_m of the point, nearest first (then by id); the slice
    [offset:offset + limit] of them when `limit` is given.

    The database cuts a box around the point (indexed on state, lat, lon) and returns only
    ids and coordinates; the exact distance is measured here, and only the places of the
    slice asked for are loaded."""
    box = box_around(lat, lon, radius_m)
    qs = place_search(query=query, category=category) if query else published_places()
    if category and not query:
        qs = qs.filter(category=category)
    rows = qs.filter(lat__gte=box.south, lat__lte=box.north, lon__gte=box.west,
                     lon__lte=box.east).values_list("pk", "lat", "lon")
    measured = sorted((d, pk) for pk, la, lo in rows
                      if (d := distance_m(lat, lon, la, lo)) <= radius_m)
    chosen = measured[offset:] if limit is None else measured[offset:offset + limit]
    loaded = published_places().in_bulk([pk for _d, pk in chosen])
    return [Nearby(loaded[pk], d) for d, pk in chosen if pk in loaded]


def ocop_showcase(*, stars: int | None = None, category: str = "", commune_code: str = "",
                  query: str = "", on: datetime.date | None = None) -> QuerySet[OcopProduct]:
    """Published products whose certificate is in force today, most stars first."""
    day = on or timezone.localdate()
    qs = (OcopProduct.objects.filter(state=PublishState.PUBLISHED,
                                     certificate_expires__gte=day, decision_date__lte=day)
          .select_related("producer", "producer__commune").prefetch_related("listings"))
    if stars is not None:
        qs = qs.filter(stars=stars)
    if category:
        qs = qs.filter(category=category)
    if commune_code:
        qs = qs.filter(producer__commune_id=commune_code)
    for token in fold_tokens(query):
        qs = qs.filter(search_name__contains=token)
    return qs.order_by("-stars", "name", "id")


@dataclass(frozen=True)
class SegmentStatus:
    segment: RoadSegment
    report: TrafficReport | None  # the latest report, current or not
    stale: bool

    @property
    def status(self) -> str:
        """The level of a current report; "unknown" without one — a stale report never
        speaks for now."""
        if self.report is None or self.stale:
            return "unknown"
        return self.report.level

    @property
    def kind(self) -> str | None:
        return None if self.report is None or self.stale else self.report.kind


def status_of(segment: RoadSegment, now: datetime.datetime) -> SegmentStatus:
    report = segment.latest_report
    return SegmentStatus(segment=segment, report=report,
                         stale=report is not None and not report.is_current(now))


def segment_statuses(*, now: datetime.datetime | None = None) -> list[SegmentStatus]:
    now = now or timezone.now()
    segments = RoadSegment.objects.select_related("latest_report").order_by("name", "code")
    return [status_of(s, now) for s in segments]


def segment_history(*, code: str, limit: int = 50) -> tuple[RoadSegment, list[TrafficReport]]:
    segment = RoadSegment.objects.select_related("latest_report").get(code=code)
    reports = list(segment.reports.select_related("source").order_by("-reported_at", "-id")
                   [:limit])
    return segment, reports
