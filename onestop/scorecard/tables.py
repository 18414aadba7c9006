"""Every table the scorecard pages show, built once for the page and for its exports.

A Table is a title, headers and rows of cells; a cell is a value, or (text, link) for the
page. Exports (CSV, XLSX) write the same cells without links, so what you download is
exactly what you saw.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from onestop.core.formatting import decimal_text, percent_text
from onestop.dossiers.models import Dossier

from . import dti as d
from .selectors import (
    MonthFigures,
    ProcedureFigures,
    PublicRow,
    Ranked,
    Scorecard,
)


@dataclass(frozen=True)
class Link:
    text: Any
    url: str

    def __str__(self) -> str:
        return str(self.text)


Cell = Any


@dataclass
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    numeric: set[int] = field(default_factory=set)  # right-aligned columns

    def plain(self) -> list[list[Any]]:
        """The cells for an export: a bare figure stays a number (XLSX sums it), the rest
        is the text the page shows."""
        return [[_plain(c) for c in row] for row in self.rows]


@dataclass(frozen=True)
class Figure:
    """A number written in the language of whoever reads it (92,61 % in Vietnamese, 92.61 %
    in English): formatted when the page renders, not when the table is built, so one
    table and one format serve every page and export."""

    value: Decimal | int
    suffix: str = ""
    percent: bool = False

    def __str__(self) -> str:
        text = percent_text(self.value) if self.percent else decimal_text(self.value)
        return f"{text} {self.suffix}" if self.suffix else text


def _plain(cell: Cell) -> Any:
    if isinstance(cell, Link):
        return cell.text
    if isinstance(cell, Figure):
        if cell.percent or cell.suffix:
            return str(cell)
        return cell.value
    return cell


def _pct(value: Decimal | None) -> Any:
    return "–" if value is None else Figure(value, percent=True)


def _num(value: Decimal | int | None, suffix: str = "") -> Any:
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        value = value.normalize() if value == value.to_integral() else value.quantize(
            Decimal("0.01"))
    return Figure(value, suffix=suffix)


def unit_url(unit_id: int | None, query: str) -> str:
    return reverse("backoffice:scorecard_unit", args=[unit_id or 0]) + query


def indicators_table(card: Scorecard) -> Table:
    t = Table("indicators", _("Indicators"), [
        _("Group"), _("Indicator"), _("Source"), _("Numerator"), _("Denominator"),
        _("Rate"), _("Full score at"), _("Points"), _("Maximum")], numeric={3, 4, 5, 6, 7, 8})
    groups = {g["code"]: g["name"] for g in card.groups}
    for line in card.lines:
        if line.manual is not None:
            source = _("entered by hand: %(evidence)s") % {"evidence": line.manual.evidence}
        elif line.entered_by_hand:
            source = _("entered by hand: not entered for this period")
        else:
            source = str(line.source)
        name = str(line.name) + (f" ({line.detail})" if line.detail else "")
        t.rows.append([
            groups.get(line.group, line.group), name, source,
            _num(line.numerator, str(line.numerator_label)),
            _num(line.denominator, str(line.denominator_label)),
            _pct(line.percent), _pct(line.threshold_percent), _num(line.points),
            _num(line.max_points)])
    return t


def groups_table(card: Scorecard) -> Table:
    t = Table("groups", _("Groups"), [_("Group"), _("Points"), _("Of the points scored"),
                                      _("Group maximum")], numeric={1, 2, 3})
    for g in card.groups:
        t.rows.append([g["name"], _num(g["earned"]), _num(g["available"]),
                       _num(g["max_points"])])
    return t


def ranking_table(ranked: Sequence[Ranked], query: str) -> Table:
    t = Table("ranking", _("Ranking of units"), [
        _("Rank"), _("Unit"), _("Score (of 100)"), _("On time"), _("Online filing"),
        _("Online payment"), _("Finished"), _("Late")], numeric={0, 2, 3, 4, 5, 6, 7})
    for r in ranked:
        card = r.card
        assert card.unit is not None

        def rate(code: str, card: Scorecard = card) -> str:
            line = card.line(code)
            return _pct(line.percent if line else None)

        t.rows.append([r.rank or "–", Link(card.unit.name, unit_url(card.unit.pk, query)),
                       _num(card.score), rate("on_time"), rate("online_filing"),
                       rate("online_payment"), card.counts.finished,
                       card.counts.finished_late])
    return t


def trend_table(months: Sequence[MonthFigures]) -> Table:
    t = Table("trend", _("Month by month"), [
        _("Month"), _("Received"), _("Online"), _("Finished"), _("On time"),
        _("Online filing"), _("Online payment"), _("Satisfaction with procedures")],
        numeric={1, 2, 3, 4, 5, 6, 7})
    for m in months:
        t.rows.append([m.month.strftime("%m/%Y"), m.counts.received, m.counts.received_online,
                       m.counts.finished, _pct(m.rate("on_time")),
                       _pct(m.rate("online_filing")), _pct(m.rate("online_payment")),
                       _pct(m.rate("procedure_satisfaction"))])
    return t


def procedures_table(procs: Sequence[ProcedureFigures], unit_id: int | None,
                     query: str) -> Table:
    t = Table("procedures", _("By procedure"), [
        _("Code"), _("Procedure"), _("Received"), _("Online filing"), _("Finished"),
        _("On time"), _("Late"), _("Average working days"), _("Legal working days")],
        numeric={2, 3, 4, 5, 6, 7, 8})
    for p in procs:
        late: Cell = p.counts.finished_late
        if late:
            late = Link(str(late), reverse("backoffice:scorecard_late", args=[unit_id or 0,
                                                                   p.procedure_id]) + query)
        t.rows.append([p.code, p.name, p.counts.received, _pct(p.online), p.counts.finished,
                       _pct(p.on_time), late, _num(p.average_days), _num(p.legal_days)])
    return t


def late_table(dossiers: Sequence[Dossier]) -> Table:
    t = Table("late", _("Late dossiers"), [
        _("Dossier"), _("Received"), _("Appointment"), _("Processing ended"),
        _("Supplement requests"), _("Competent agency")], numeric={4})
    from django.utils import timezone

    def when(moment: datetime.datetime | None) -> str:
        return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else "–"

    for dossier in dossiers:
        t.rows.append([Link(dossier.code or str(dossier.pk),
                            reverse("backoffice:dossier", args=[dossier.pk])),
                       when(dossier.received_at), when(dossier.appointment_at),
                       when(dossier.finished_at), dossier.supplement_count,
                       dossier.handling_agency.name])
    return t


def public_table(city: PublicRow, rows: Sequence[PublicRow]) -> Table:
    t = Table("public", _("Service figures"), [
        _("Agency"), _("Dossiers finished"), _("On time"), _("Received"), _("Filed online"),
        _("Paid online"), _("Satisfaction with procedures"), _("Satisfaction from ratings")],
        numeric={1, 2, 3, 4, 5, 6, 7})
    for r in [city, *rows]:
        f = r.figures
        t.rows.append([r.name, r.counts.finished, _pct(f["on_time"]), r.counts.received,
                       _pct(f["online_filing"]), _pct(f["online_payment"]),
                       _pct(f["procedure_satisfaction"]), _pct(f["rating_satisfaction"])])
    return t


def dti_table(lines: Sequence[d.RankLine], year: int | None) -> Table:
    t = Table("dti", _("DTI ranking %(year)s") % {"year": year or ""}, [
        _("Rank"), _("Unit"), _("DTI"), _("Change against the previous year"),
        _("Rank the previous year")], numeric={0, 2, 4})
    for line in lines:
        t.rows.append([line.rank, line.unit, line.shown, line.change,
                       line.previous_rank or "–"])
    return t


def targets_table(statuses: Sequence[Any]) -> Table:
    from .indicators import REGISTRY

    t = Table("targets", _("Targets"), [
        _("Unit"), _("Indicator"), _("Target"), _("Due"), _("Now"), _("Expected today"),
        _("Measured"), _("State")], numeric={2, 4, 5})
    for s in statuses:
        target = s.target
        ind = REGISTRY.get(target.indicator_code)
        if s.behind:
            state = _("behind since %(day)s") % {
                "day": target.behind_since.strftime("%d/%m/%Y") if target.behind_since
                else _("today")}
        elif s.met:
            state = _("met")
        elif s.current is None:
            state = _("no data yet")
        else:
            state = _("on track")
        t.rows.append([
            target.agency.name if target.agency else _("The whole city"),
            str(ind.name) if ind else target.indicator_code, _num(target.target_value),
            target.due_date.strftime("%d/%m/%Y"), _num(s.current),
            _num(s.expected.quantize(Decimal("0.0001"))),
            _("platform") if s.measured else _("entered by hand"), state])
    return t
