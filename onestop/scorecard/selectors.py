"""Queries the scorecard's pages, exports and commands need (read only).

Every figure comes from the daily roll-ups (onestop.scorecard.counts.grouped), the catalog
and the hand-entered values, so a page costs the same whatever the number of dossiers.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from onestop.agencies.models import Agency
from onestop.catalog.models import ProcedureVersion
from onestop.core.errors import NotFound
from onestop.dossiers.models import Dossier

from .counts import Counts, counts_from_rows, grouped, in_unit, with_national
from .indicators import CENT, REGISTRY, Catalog, Ratio, catalog_for, percent, points
from .models import DossierFact, Framework, IndicatorDefinition, ManualValue


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @classmethod
    def year_to_date(cls, today: datetime.date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(datetime.date(today.year, 1, 1), today)

    def months(self) -> list[datetime.date]:
        out = []
        day = self.start.replace(day=1)
        while day <= self.end:
            out.append(day)
            day = (day + datetime.timedelta(days=32)).replace(day=1)
        return out


@dataclass
class Line:
    """One indicator of one unit's scorecard."""

    code: str
    name: Any
    group: str
    measurable: bool
    source: Any
    numerator_label: Any
    denominator_label: Any
    max_points: Decimal
    threshold: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    rate: Decimal | None = None
    points: Decimal | None = None
    manual: ManualValue | None = None
    detail: str = ""

    @property
    def percent(self) -> Decimal | None:
        return percent(self.rate)

    @property
    def threshold_percent(self) -> Decimal | None:
        return percent(self.threshold)

    @property
    def entered_by_hand(self) -> bool:
        return not self.measurable


@dataclass
class Scorecard:
    unit: Agency | None
    period: Period
    framework: Framework
    lines: list[Line]
    counts: Counts
    earned: Decimal = Decimal(0)
    available: Decimal = Decimal(0)
    groups: list[dict[str, Any]] = field(default_factory=list)

    @property
    def score(self) -> Decimal | None:
        """Points earned out of 100, over the indicators that could be scored."""
        if not self.available:
            return None
        return (self.earned * 100 / self.available).quantize(CENT, ROUND_HALF_UP)

    def line(self, code: str) -> Line | None:
        return next((x for x in self.lines if x.code == code), None)


def default_framework() -> Framework:
    fw = Framework.objects.filter(is_default=True).first() or Framework.objects.first()
    if fw is None:
        raise Framework.DoesNotExist("no service index framework: run the migrations")
    return fw



def definitions(framework: Framework) -> list[IndicatorDefinition]:
    cached: list[IndicatorDefinition] | None = getattr(framework, "_defs", None)
    if cached is None:
        cached = list(framework.indicators.order_by("order"))
        framework._defs = cached  # type: ignore[attr-defined]
    return cached


def manual_values(period: Period) -> dict[tuple[str, int | None], ManualValue]:
    """The latest hand-entered value per (indicator, unit) overlapping the period."""
    out: dict[tuple[str, int | None], ManualValue] = {}
    for mv in ManualValue.objects.filter(period_start__lte=period.end,
                                         period_end__gte=period.start).order_by(
            "entered_at", "id"):
        out[(mv.indicator_code, mv.agency_id)] = mv  # later entries overwrite earlier ones
    return out


def build_scorecard(*, unit: Agency | None, period: Period, counts: Counts, catalog: Catalog,
                    framework: Framework,
                    manual: dict[tuple[str, int | None], ManualValue]) -> Scorecard:
    card = Scorecard(unit=unit, period=period, framework=framework, lines=[], counts=counts)
    unit_id = unit.pk if unit is not None else None
    by_group: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for d in definitions(framework):
        ind = REGISTRY.get(d.code)
        line = Line(
            code=d.code, name=ind.name if ind else d.code, group=d.group,
            measurable=d.measurable and ind is not None and ind.measure is not None,
            source=ind.source if ind else "", max_points=d.max_points, threshold=d.threshold,
            numerator_label=ind.numerator_label if ind else "",
            denominator_label=ind.denominator_label if ind else "",
        )
        ratio: Ratio | None = None
        if line.measurable and ind is not None and ind.measure is not None:
            ratio = ind.measure(counts, catalog)
        else:
            mv = manual.get((d.code, unit_id))
            if mv is not None:
                line.manual = mv
                ratio = Ratio(mv.numerator, mv.denominator)
        if ratio is not None:
            line.numerator, line.denominator = ratio.numerator, ratio.denominator
            line.rate = ratio.rate
        if d.code == "processing_time" and counts.finished:
            line.detail = _processing_detail(counts)
        if d.code == "synced_national_portal" and counts.national_unmapped:
            line.detail = _unmapped_detail(counts)
        if line.rate is not None:
            line.points = points(line.rate, max_points=d.max_points, threshold=d.threshold)
            card.earned += line.points
            card.available += d.max_points
            by_group[d.group][0] += line.points
            by_group[d.group][1] += d.max_points
        card.lines.append(line)
    for g in framework.groups.order_by("order"):
        earned, available = by_group.get(g.group, [Decimal(0), Decimal(0)])
        card.groups.append({"code": g.group, "name": g.get_group_display(),
                            "max_points": g.max_points, "earned": earned,
                            "available": available})
    return card


def _processing_detail(c: Counts) -> str:
    from django.utils.translation import gettext as _

    avg = (c.processing_days / c.finished).quantize(CENT, ROUND_HALF_UP)
    legal = (c.legal_days / c.finished).quantize(CENT, ROUND_HALF_UP)
    from onestop.core.formatting import decimal_text

    return _("%(avg)s working days on average (legal time %(legal)s)") % {
        "avg": decimal_text(avg), "legal": decimal_text(legal)}


def _unmapped_detail(c: Counts) -> str:
    from django.utils.translation import ngettext

    return ngettext("%(n)s dossier held back: no national code for its status or procedure",
                    "%(n)s dossiers held back: no national code for their status or procedure",
                    c.national_unmapped) % {"n": c.national_unmapped}


def service_index(*, unit: Agency | None, period: Period,
                  framework: Framework | None = None) -> Scorecard:
    framework = framework or default_framework()
    unit_id = unit.pk if unit else None
    rows = grouped(unit_id, period.start, period.end)
    counts = with_national(counts_from_rows(rows), unit_id, period.start, period.end)
    return build_scorecard(unit=unit, period=period, counts=counts,
                           catalog=catalog_for(unit, period.end), framework=framework,
                           manual=manual_values(period))


@dataclass
class Ranked:
    rank: int
    card: Scorecard


def competition_ranks(values: list[Decimal | None]) -> list[int | None]:
    """Standard competition ranking (1, 2, 2, 4) of values sorted best first; None unranked."""
    ranks: list[int | None] = []
    previous: Decimal | None = None
    rank = 0
    for position, value in enumerate(values, start=1):
        if value is None:
            ranks.append(None)
            continue
        if value != previous:
            rank = position
            previous = value
        ranks.append(rank)
    return ranks


def ranking(*, period: Period, framework: Framework | None = None) -> list[Ranked]:
    """Every unit with activity in the period, best score first (ties share a rank)."""
    framework = framework or default_framework()
    rows = grouped(None, period.start, period.end)
    ids = {r["agency_id"] for r in rows} | {r["centre_id"] for r in rows}
    units = Agency.objects.in_bulk(ids)
    manual = manual_values(period)
    day_lengths: dict[int, int] = {}
    cards = []
    for unit_id, unit in units.items():
        counts = with_national(
            counts_from_rows([r for r in rows if in_unit(r, unit_id)], day_lengths),
            unit_id, period.start, period.end)
        cards.append(build_scorecard(unit=unit, period=period, counts=counts,
                                     catalog=catalog_for(unit, period.end),
                                     framework=framework, manual=manual))
    cards.sort(key=lambda c: (c.score is None, -(c.score or 0), c.unit.name if c.unit else ""))
    ranks = competition_ranks([c.score for c in cards])
    return [Ranked(rank=r or 0, card=c) for r, c in zip(ranks, cards, strict=True)]


@dataclass
class MonthFigures:
    month: datetime.date
    counts: Counts

    def rate(self, code: str) -> Decimal | None:
        ind = REGISTRY[code]
        assert ind.measure is not None
        return percent(ind.measure(self.counts, Catalog(frozenset(), frozenset(),
                                                        frozenset())).rate)


def trend(*, unit: Agency | None, period: Period) -> list[MonthFigures]:
    rows = grouped(unit.pk if unit else None, period.start, period.end, by_month=True)
    by_month: dict[datetime.date, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        month = r["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        by_month[month].append(r)
    day_lengths: dict[int, int] = {}
    return [MonthFigures(m, counts_from_rows(by_month.get(m, []), day_lengths))
            for m in period.months()]


@dataclass
class ProcedureFigures:
    procedure_id: int
    code: str
    name: str
    counts: Counts

    @property
    def on_time(self) -> Decimal | None:
        return percent(Ratio(Decimal(self.counts.finished_on_time),
                             Decimal(self.counts.finished)).rate)

    @property
    def online(self) -> Decimal | None:
        return percent(Ratio(Decimal(self.counts.received_online),
                             Decimal(self.counts.received)).rate)

    @property
    def average_days(self) -> Decimal | None:
        if not self.counts.finished:
            return None
        return (self.counts.processing_days / self.counts.finished).quantize(CENT,
                                                                             ROUND_HALF_UP)

    @property
    def legal_days(self) -> Decimal | None:
        if not self.counts.finished:
            return None
        return (self.counts.legal_days / self.counts.finished).quantize(CENT, ROUND_HALF_UP)


def by_procedure(*, unit: Agency | None, period: Period) -> list[ProcedureFigures]:
    rows = grouped(unit.pk if unit else None, period.start, period.end)
    per: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["procedure_id"]:
            per[r["procedure_id"]].append(r)
    names = procedure_names(per.keys(), on=period.end)
    day_lengths: dict[int, int] = {}
    out = [ProcedureFigures(pid, *names.get(pid, (str(pid), str(pid))),
                            counts=counts_from_rows(rs, day_lengths))
           for pid, rs in per.items()]
    out.sort(key=lambda p: (-p.counts.finished_late, -p.counts.received, p.code))
    return out


def procedure_names(ids: Any, *, on: datetime.date) -> dict[int, tuple[str, str]]:
    """(national code, name of the latest version valid by `on`) per procedure id."""
    out: dict[int, tuple[str, str]] = {}
    for pid, code, name in ProcedureVersion.objects.filter(procedure_id__in=list(ids)) \
            .order_by("procedure_id", "number").values_list("procedure_id", "procedure__code",
                                                            "name"):
        out[pid] = (code, name)
    return out


def late_dossiers(*, unit: Agency | None, procedure_id: int, period: Period
                  ) -> QuerySet[Dossier]:
    """The late dossiers behind a unit's figure for one procedure (facts are indexed)."""
    facts = DossierFact.objects.filter(procedure_id=procedure_id, on_time=False,
                                       finished_on__gte=period.start,
                                       finished_on__lte=period.end)
    if unit is not None:
        facts = facts.filter(Q(agency_id=unit.pk) | Q(centre_id=unit.pk))
    return (Dossier.objects.filter(pk__in=facts.values("dossier_id"))
            .select_related("handling_agency", "receiving_agency")
            .order_by("-finished_at", "-pk"))



PUBLIC_CODES = ("on_time", "online_filing", "online_payment", "procedure_satisfaction",
                "rating_satisfaction")


@dataclass
class PublicRow:
    name: str
    figures: dict[str, Decimal | None]
    counts: Counts


def public_figures(*, period: Period) -> tuple[PublicRow, list[PublicRow]]:
    """City and per-agency rates for the transparency page: counts only, no personal data."""
    rows = grouped(None, period.start, period.end)
    empty = Catalog(frozenset(), frozenset(), frozenset())
    day_lengths: dict[int, int] = {}

    def figures(counts: Counts) -> dict[str, Decimal | None]:
        out = {}
        for code in PUBLIC_CODES:
            measure = REGISTRY[code].measure
            assert measure is not None
            out[code] = percent(measure(counts, empty).rate)
        return out

    city_counts = counts_from_rows(rows, day_lengths)
    ids = {r["agency_id"] for r in rows} | {r["centre_id"] for r in rows}
    agencies = Agency.objects.in_bulk(ids)
    out = []
    for pk, agency in sorted(agencies.items(), key=lambda kv: kv[1].name):
        counts = counts_from_rows([r for r in rows if in_unit(r, pk)], day_lengths)
        out.append(PublicRow(agency.name, figures(counts), counts))
    from django.conf import settings

    return PublicRow(settings.ONESTOP_CITY_NAME, figures(city_counts), city_counts), out


def recent_manual_values(limit: int = 50) -> list[ManualValue]:
    return list(ManualValue.objects.select_related("agency", "entered_by")[:limit])


def manual_value(pk: int) -> ManualValue:
    """One hand-entered value (its evidence file is downloaded from the manage page)."""
    try:
        return ManualValue.objects.get(pk=pk)
    except ManualValue.DoesNotExist as exc:
        raise NotFound(gettext_lazy("No such value.")) from exc
