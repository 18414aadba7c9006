"""The indicators registry: what each indicator code measures, from which records.

Points and thresholds are data (IndicatorDefinition rows of a Framework); this module says
how the platform measures each code (a numerator and a denominator from the roll-up counts
and the catalog) or that it cannot (entered by hand with evidence: ManualValue).
Scoring (docs/domain.md §7): below its threshold an indicator scores rate × max ÷ threshold, at or
above it the full max; Decimal arithmetic, points rounded half-up to 0.01.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency
from onestop.catalog.models import ProcedureVersion

from .counts import Counts

CENT = Decimal("0.01")
ONE = Decimal(1)


@dataclass(frozen=True)
class Catalog:
    """Procedures of a scope in force on a day (procedure ids), from the catalog."""

    in_force: frozenset[int]
    online: frozenset[int]
    with_fees: frozenset[int]


def catalog_for(unit: Agency | None, on: datetime.date) -> Catalog:
    """The procedures a unit answers for: the city's and every receiving centre's are all
    procedures in force (since Decree 118/2025/NĐ-CP any centre of the province accepts any
    dossier); another agency's are those it is competent for."""
    qs = ProcedureVersion.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=on),
        state=ProcedureVersion.State.PUBLISHED, valid_from__lte=on)
    if unit is not None and not unit.receives_dossiers:
        qs = qs.filter(competent_agencies=unit)
    rows = list(qs.values_list("procedure_id", "online_level", "pk").distinct())
    with_fees = set(ProcedureVersion.objects.filter(pk__in=[r[2] for r in rows],
                                                    fees__isnull=False)
                    .values_list("procedure_id", flat=True))
    return Catalog(
        in_force=frozenset(r[0] for r in rows),
        online=frozenset(r[0] for r in rows if r[1] != ProcedureVersion.OnlineLevel.NONE),
        with_fees=frozenset(with_fees),
    )


@dataclass(frozen=True)
class Ratio:
    numerator: Decimal
    denominator: Decimal

    @property
    def rate(self) -> Decimal | None:
        if self.denominator <= 0:
            return None
        return min(ONE, max(Decimal(0), self.numerator / self.denominator))


Measure = Callable[[Counts, Catalog], Ratio]


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Any  # lazy translation
    source: Any  # where the platform's figures come from (lazy translation)
    numerator_label: Any
    denominator_label: Any
    measure: Measure | None = None  # None: entered by hand with evidence
    higher_is_better: bool = True


def _d(n: int | Decimal) -> Decimal:
    return Decimal(n)


def _processing(c: Counts, _cat: Catalog) -> Ratio:
    # Average legal time ÷ average actual time, capped at 1: full score when dossiers take
    # on average no longer than the law allows (onestop's choice; docs/scorecard.md).
    if c.finished and not c.processing_days:
        return Ratio(_d(1), _d(1))
    return Ratio(c.legal_days, c.processing_days)


def _procedure_satisfaction(c: Counts, _cat: Catalog) -> Ratio:
    # Decision 766: 100 % − (overdue rate + rate of dossiers with complaints).
    return Ratio(_d(max(0, c.finished - c.finished_late - c.complained)), _d(c.finished))


REGISTRY: dict[str, Indicator] = {i.code: i for i in (
    Indicator("published_on_time", _("Procedures published on time"),
              _("entered by hand"), _("published on time"), _("procedures to publish")),
    Indicator("updated_on_time", _("Procedures updated on time"),
              _("entered by hand"), _("updated on time"), _("procedures to update")),
    Indicator("components_published", _("Full publication of procedure components"),
              _("entered by hand"), _("components published"), _("components required")),
    Indicator("synced_national_portal", _("Dossiers synchronised to the national portal"),
              _("national sync outbox: dossiers changed in the period whose every change "
                "the portal accepted (no national code: not synchronised)"),
              _("dossiers synchronised"), _("dossiers to synchronise"),
              lambda c, _cat: Ratio(_d(c.national_synced), _d(c.national_due))),
    Indicator("on_time", _("Dossiers done early or on time"),
              _("dossiers: processing end (result ready, else stopped) ≤ appointment, at most "
                "one supplement request"),
              _("finished on time"), _("finished in the period"),
              lambda c, _cat: Ratio(_d(c.finished_on_time), _d(c.finished))),
    Indicator("processing_time", _("Average processing time"),
              _("dossiers: working time from receipt to processing end, minus supplement "
                "pauses, against the legal time"),
              _("legal working days (sum)"), _("actual working days (sum)"), _processing),
    Indicator("e_results", _("Electronic results issued"),
              _("dossiers returned with an electronic result document"),
              _("returned with an electronic result"), _("returned in the period"),
              lambda c, _cat: Ratio(_d(c.returned_e_result), _d(c.returned))),
    Indicator("digitised_dossiers", _("Dossiers digitised"),
              _("received dossiers whose submitted documents all have a file"),
              _("digitised"), _("received in the period"),
              lambda c, _cat: Ratio(_d(c.digitised), _d(c.received))),
    Indicator("data_reuse", _("Digitised data reused"),
              _("entered by hand"), _("dossiers reusing data"), _("dossiers")),
    Indicator("offered_online", _("Procedures offered online"),
              _("catalog: procedures in force with an online level"),
              _("offered online"), _("procedures in force"),
              lambda c, cat: Ratio(_d(len(cat.online)), _d(len(cat.in_force)))),
    Indicator("procedures_online_filed", _("Procedures with online filings"),
              _("catalog and dossiers: procedures offered online with at least one online "
                "filing received in the period"),
              _("with online filings"), _("offered online"),
              lambda c, cat: Ratio(_d(len(c.procedures_online_filed & cat.online)),
                                   _d(len(cat.online)))),
    Indicator("online_filing", _("Online filing rate"),
              _("dossiers received through the online channel"),
              _("received online"), _("received in the period"),
              lambda c, _cat: Ratio(_d(c.received_online), _d(c.received))),
    Indicator("procedures_online_paid", _("Procedures with online payment"),
              _("catalog and payments: procedures with fees having at least one dossier paid "
                "online in the period"),
              _("with online payments"), _("procedures with fees"),
              lambda c, cat: Ratio(_d(len(c.procedures_paid_online & cat.with_fees)),
                                   _d(len(cat.with_fees)))),
    Indicator("online_payment", _("Online payment rate"),
              _("payments: dossiers whose fees were paid online (cash at the counter is not "
                "online)"),
              _("paid online"), _("dossiers with fees paid"),
              lambda c, _cat: Ratio(_d(c.paid_online), _d(c.paid))),
    Indicator("feedback_on_time", _("Feedback handled on time"),
              _("feedback (PAKN): answered within the answer period (15 working days "
                "unless the province sets another)"),
              _("answered on time"), _("due in the period"),
              lambda c, _cat: Ratio(_d(c.feedback_on_time), _d(c.feedback_due))),
    Indicator("feedback_satisfaction", _("Satisfaction with feedback handling"),
              _("entered by hand"), _("satisfied"), _("answers surveyed")),
    Indicator("procedure_satisfaction", _("Satisfaction with procedures"),
              _("dossiers: 100 % − (overdue rate + rate of dossiers with complaints)"),
              _("finished, neither late nor complained about"), _("finished in the period"),
              _procedure_satisfaction),
    Indicator("rating_satisfaction", _("Satisfaction from ratings"),
              _("ratings: average score ÷ 5"), _("sum of scores"), _("5 × scores given"),
              lambda c, _cat: Ratio(_d(c.rating_score_sum), _d(5 * c.rating_score_count))),
)}


def points(rate: Decimal, *, max_points: Decimal, threshold: Decimal) -> Decimal:
    """Decision 766 threshold scoring: rate × max ÷ threshold below it, max at or above."""
    if rate >= threshold:
        return max_points.quantize(CENT, ROUND_HALF_UP)
    return (rate * max_points / threshold).quantize(CENT, ROUND_HALF_UP)


def percent(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else (rate * 100).quantize(CENT, ROUND_HALF_UP)
