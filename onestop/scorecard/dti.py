"""DTI arithmetic (Decision 922/QĐ-BTTTT): pure functions, no database.

DTI = Σ (sub-index value × weight) ÷ 1000, values normalised 0–1 (docs/domain.md §8). Units are
ranked by their DTI rounded to 4 decimals, as published: two units showing the same DTI
share a rank, with standard competition ranking (1, 2, 2, 4). The rank change compares with
the unit's rank among the units of the previous year: "+10" (up ten places), "-2", "0", or
"new" when the unit has no DTI for the previous year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from onestop.core.csvimport import Record, RowInvalid, check_rows, records_from_table

FOUR = Decimal("0.0001")
TOTAL_WEIGHT = Decimal(1000)
MAX_ROWS = 20_000  # units × years; the national table is 63 provinces a year


@dataclass(frozen=True)
class Weights:
    code: str
    weights: tuple[tuple[str, int], ...]  # (sub-index code, weight) in order

    @property
    def codes(self) -> list[str]:
        return [c for c, _w in self.weights]


@dataclass(frozen=True)
class Row:
    unit: str
    year: int
    values: Mapping[str, Decimal]


@dataclass(frozen=True)
class RankLine:
    rank: int
    unit: str
    dti: Decimal  # exact
    change: str  # "+10", "-2", "0" or "new"
    previous_rank: int | None

    @property
    def shown(self) -> Decimal:
        return self.dti.quantize(FOUR, ROUND_HALF_UP)

    def tsv(self) -> str:
        return f"{self.rank}\t{self.unit}\t{self.shown}\t{self.change}"


def dti(values: Mapping[str, Decimal], weights: Weights) -> Decimal:
    """Σ value × weight ÷ 1000 (exact Decimal); a missing sub-index counts as 0."""
    return sum((values.get(code, Decimal(0)) * weight for code, weight in weights.weights),
               Decimal(0)) / TOTAL_WEIGHT


def ranks(scores: Mapping[str, Decimal]) -> dict[str, int]:
    """Standard competition ranking on the DTI rounded to 4 decimals; ties by unit name."""
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1].quantize(FOUR, ROUND_HALF_UP),
                                                     kv[0]))
    out: dict[str, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (unit, score) in enumerate(ordered, start=1):
        shown = score.quantize(FOUR, ROUND_HALF_UP)
        if shown != previous:
            rank, previous = position, shown
        out[unit] = rank
    return out


def change(now: int, before: int | None) -> str:
    if before is None:
        return "new"
    diff = before - now
    return f"+{diff}" if diff > 0 else str(diff)


def rank_year(rows: Iterable[Row], weights: Weights, year: int | None = None
              ) -> list[RankLine]:
    """Rank the units of `year` (default: the latest year in the rows), best first."""
    by_year: dict[int, dict[str, Decimal]] = {}
    for row in rows:
        by_year.setdefault(row.year, {})[row.unit] = dti(row.values, weights)
    if not by_year:
        return []
    year = year if year is not None else max(by_year)
    current = by_year.get(year, {})
    now = ranks(current)
    before = ranks(by_year.get(year - 1, {}))
    lines = [RankLine(rank=now[u], unit=u, dti=current[u],
                      change=change(now[u], before.get(u)), previous_rank=before.get(u))
             for u in current]
    lines.sort(key=lambda line: (line.rank, line.unit))
    return lines


def _decimal(raw: Any, *, code: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise RowInvalid(_("%(code)s: %(value)s is not a number")
                         % {"code": code, "value": raw}) from exc
    if not value.is_finite() or value < 0 or value > 1:
        raise RowInvalid(_("%(code)s: values are normalised between 0 and 1, got %(value)s")
                         % {"code": code, "value": raw})
    return value


def parse_records(records: Iterable[Sequence[Any]], weights: Weights) -> list[Row]:
    """Rows of a table whose header names unit, year and the sub-index codes (any order);
    refused whole, naming every failing line (onestop.core.csvimport)."""
    table = records_from_table(records, columns=["unit", "year", *weights.codes],
                               max_rows=MAX_ROWS)
    seen: set[tuple[str, int]] = set()

    def check(record: Record) -> Row:
        problems: list[str] = []
        unit = record.text("unit")
        if not unit:
            problems.append(_("the unit is missing"))
        year: int | None = None
        try:
            year = int(record.text("year"))
        except ValueError:
            problems.append(_("the year is not a whole number"))
        values: dict[str, Decimal] = {}
        for code in weights.codes:
            try:
                values[code] = _decimal(record.values.get(code), code=code)
            except RowInvalid as exc:
                problems += exc.problems
        if year is not None and unit and (unit, year) in seen:
            problems.append(_("%(unit)s appears twice for %(year)s")
                            % {"unit": unit, "year": year})
        if problems:
            raise RowInvalid(*problems)
        assert year is not None
        seen.add((unit, year))
        return Row(unit=unit, year=year, values=values)

    return check_rows(table, check)
