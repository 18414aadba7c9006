"""Writes of the scorecard: hand-entered values, DTI values and imports, targets.

Keyword-only, typed, one transaction each, audited. Who may do what (docs/scorecard.md):
the leaders' pages are for superusers (the city's digital-transformation office), agency
admins and leaders; entering values, importing the DTI and setting targets is for
superusers and agency admins.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency, Role
from onestop.agencies.selectors import roles_of
from onestop.core.audit import audit_append
from onestop.core.clock import now_or
from onestop.core.csvimport import read_table
from onestop.core.errors import NotAllowed, ValidationFailed
from onestop.core.uploads import accept_upload

from . import dti as d
from .frameworks import DTI_2022
from .indicators import CENT, REGISTRY
from .models import (
    DtiFramework,
    DtiSubIndex,
    DtiUnit,
    DtiValue,
    ManualValue,
    Target,
    TargetProgress,
)
from .selectors import Period, service_index

VIEW_ROLES = {Role.LEADER, Role.ADMIN}


def may_view(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(VIEW_ROLES & roles for roles in roles_of(user=user).values())


def may_manage(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(Role.ADMIN in roles for roles in roles_of(user=user).values())


def _require_manager(user: Any) -> None:
    if not may_manage(user):
        raise NotAllowed(_("Only the city's digital-transformation office or an agency "
                           "admin can change the scorecard."))


def _decimal(raw: Any, what: Any) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(_("%(what)s must be a number."), what=what) from exc
    if not value.is_finite():
        raise ValidationFailed(_("%(what)s must be a number."), what=what)
    return value


# ---- hand-entered indicators ----------------------------------------------------------------

@transaction.atomic
def manual_value_enter(
    *, actor: Any, indicator_code: str, agency: Agency | None, period_start: datetime.date,
    period_end: datetime.date, numerator: Any, denominator: Any, evidence: str,
    evidence_file: Any | None = None, at: datetime.datetime | None = None,
) -> ManualValue:
    """Enter an indicator the platform cannot measure, with its evidence."""
    _require_manager(actor)
    ind = REGISTRY.get(indicator_code)
    if ind is None or ind.measure is not None:
        raise ValidationFailed(_("This indicator is measured by the platform, not entered."))
    num = _decimal(numerator, _("The numerator"))
    den = _decimal(denominator, _("The denominator"))
    if den <= 0 or num < 0 or num > den:
        raise ValidationFailed(_("Give 0 ≤ numerator ≤ denominator, with a denominator "
                                 "above 0."))
    if period_end < period_start:
        raise ValidationFailed(_("The period ends before it starts."))
    if not evidence.strip():
        raise ValidationFailed(_("Say where the figure comes from (evidence)."))
    if evidence_file:
        evidence_file = accept_upload(evidence_file)  # the one upload check (core.uploads)
    at = now_or(at)
    mv = ManualValue.objects.create(
        indicator_code=indicator_code, agency=agency, period_start=period_start,
        period_end=period_end, numerator=num.quantize(CENT, ROUND_HALF_UP),
        denominator=den.quantize(CENT, ROUND_HALF_UP), evidence=evidence.strip(),
        evidence_file=evidence_file or "", entered_by=actor, entered_at=at)
    audit_append(actor=actor, action="scorecard.manual_value", object_type="scorecard_value",
                 object_id=mv.pk, to_state=indicator_code, at=at,
                 data={"agency": agency.code if agency else None, "numerator": str(num),
                       "denominator": str(den), "from": period_start, "to": period_end})
    return mv


# ---- DTI ------------------------------------------------------------------------------------

def dti_weights(code: str | None = None) -> d.Weights:
    """The framework's sub-indices and weights (the shipped 2022 one when the database is
    not reachable, so `onestop dti rank` works on a fresh checkout)."""
    try:
        fw = (DtiFramework.objects.filter(code=code).first() if code
              else DtiFramework.objects.filter(is_default=True).first())
        if fw is not None:
            return d.Weights(fw.code, tuple(fw.subindices.order_by("order")
                                            .values_list("code", "weight")))
    except DatabaseError:
        pass
    if code in (None, "", "2022"):
        return d.Weights("2022", tuple((c, w) for c, _n, w in DTI_2022))
    raise ValidationFailed(_("Unknown DTI framework “%(code)s”."), code=code)


def _framework(code: str | None) -> DtiFramework:
    fw = (DtiFramework.objects.filter(code=code).first() if code
          else DtiFramework.objects.filter(is_default=True).first())
    if fw is None:
        raise ValidationFailed(_("Unknown DTI framework “%(code)s”."), code=code or "")
    return fw


@transaction.atomic
def dti_value_set(*, actor: Any, unit: DtiUnit, year: int, subindex: DtiSubIndex, value: Any,
                  provenance: str = "", source: str = DtiValue.Source.ENTERED,
                  at: datetime.datetime | None = None) -> DtiValue:
    _require_manager(actor)
    v = _decimal(value, _("The value"))
    if v < 0 or v > 1:
        raise ValidationFailed(_("DTI values are normalised between 0 and 1."))
    at = now_or(at)
    row, _created = DtiValue.objects.update_or_create(
        unit=unit, subindex=subindex, year=year,
        defaults={"value": v, "source": source, "provenance": provenance.strip(),
                  "updated_by": actor, "updated_at": at})
    audit_append(actor=actor, action="scorecard.dti_value", object_type="dti_value",
                 object_id=row.pk, to_state=str(v), at=at,
                 data={"unit": unit.code, "year": year, "subindex": subindex.code,
                       "source": source})
    return row


@dataclass
class ImportResult:
    units: int = 0
    values: int = 0


@transaction.atomic
def dti_import(*, actor: Any, data: bytes, filename: str, framework_code: str | None = None,
               at: datetime.datetime | None = None) -> ImportResult:
    """Import a CSV or XLSX table (unit,year,<sub-indices>); units are created by name."""
    _require_manager(actor)
    fw = _framework(framework_code)
    weights = dti_weights(fw.code)
    rows = d.parse_records(read_table(data, filename), weights)
    subs = {s.code: s for s in fw.subindices.all()}
    at = now_or(at)
    result = ImportResult()
    for row in rows:
        unit, created = DtiUnit.objects.get_or_create(code=row.unit, defaults={"name": row.unit})
        result.units += int(created)
        for code, value in row.values.items():
            DtiValue.objects.update_or_create(
                unit=unit, subindex=subs[code], year=row.year,
                defaults={"value": value, "source": DtiValue.Source.IMPORTED,
                          "provenance": filename, "updated_by": actor, "updated_at": at})
            result.values += 1
    audit_append(actor=actor, action="scorecard.dti_import", object_type="dti_import",
                 object_id=fw.code, at=at,
                 data={"file": filename, "rows": len(rows), "values": result.values})
    return result


def dti_rows(*, framework_code: str | None = None) -> list[d.Row]:
    fw = _framework(framework_code)
    values: dict[tuple[str, int], dict[str, Decimal]] = {}
    for unit, year, code, value in DtiValue.objects.filter(subindex__framework=fw) \
            .values_list("unit__name", "year", "subindex__code", "value"):
        values.setdefault((unit, year), {})[code] = value
    return [d.Row(unit=u, year=y, values=v) for (u, y), v in values.items()]


# The platform's share of the DTI: the digital-government sub-index's online-service part
# is what the service index measures (docs/scorecard.md); other sub-indices are surveys.
COMPUTED_SUBINDEX = "digital_government"


@transaction.atomic
def dti_fill_computed(*, year: int, framework_code: str | None = None,
                      today: datetime.date | None = None) -> int:
    """Fill the digital-government value of units linked to an agency (or the city) from
    the platform's service index for the year, where nobody entered or imported one."""
    fw = _framework(framework_code)
    sub = fw.subindices.filter(code=COMPUTED_SUBINDEX).first()
    if sub is None:
        return 0
    today = today or timezone.localdate()
    end = min(datetime.date(year, 12, 31), today)
    if end < datetime.date(year, 1, 1):
        return 0
    period = Period(datetime.date(year, 1, 1), end)
    filled = 0
    for unit in DtiUnit.objects.filter(is_city=True) | DtiUnit.objects.filter(
            agency__isnull=False):
        existing = DtiValue.objects.filter(unit=unit, subindex=sub, year=year).first()
        if existing is not None and existing.source != DtiValue.Source.COMPUTED:
            continue
        card = service_index(unit=None if unit.is_city else unit.agency, period=period)
        if card.score is None:
            continue
        value = (card.score / 100).quantize(Decimal("0.000001"), ROUND_HALF_UP)
        DtiValue.objects.update_or_create(
            unit=unit, subindex=sub, year=year,
            defaults={"value": value, "source": DtiValue.Source.COMPUTED,
                      "provenance": f"service index {card.framework.code} "
                                    f"{period.start}..{period.end}: {card.score}/100",
                      "updated_at": timezone.now()})
        filled += 1
    return filled + dti_fill_digital_society(year=year, framework_code=framework_code,
                                             today=today)


SOCIETY_SUBINDEX = "digital_society"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@transaction.atomic
def dti_fill_digital_society(*, year: int, framework_code: str | None = None,
                             today: datetime.date | None = None) -> int:
    """Fill the digital-society value of the city (every commune) and of units linked to a
    commune's agency from the community teams' visits up to the end of the year (or today),
    where nobody entered or imported one. The provenance names the figures behind it."""
    from onestop.community.selectors import digital_society

    fw = _framework(framework_code)
    sub = fw.subindices.filter(code=SOCIETY_SUBINDEX).first()
    if sub is None:
        return 0
    today = today or timezone.localdate()
    end = min(datetime.date(year, 12, 31), today)
    if end < datetime.date(year, 1, 1):
        return 0
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(),
                                      tzinfo=VN)
    filled = 0
    units = (DtiUnit.objects.filter(is_city=True)
             | DtiUnit.objects.filter(agency__unit__isnull=False)).select_related("agency")
    for unit in units:
        existing = DtiValue.objects.filter(unit=unit, subindex=sub, year=year).first()
        if existing is not None and existing.source != DtiValue.Source.COMPUTED:
            continue
        commune = None if unit.is_city or unit.agency is None else unit.agency.unit
        communes = None if commune is None else [commune]
        figures = digital_society(communes=communes, until=until)
        if figures is None:
            continue
        DtiValue.objects.update_or_create(
            unit=unit, subindex=sub, year=year,
            defaults={"value": figures.value, "source": DtiValue.Source.COMPUTED,
                      "provenance": figures.provenance(), "updated_at": timezone.now()})
        filled += 1
    return filled


# ---- targets --------------------------------------------------------------------------------

@transaction.atomic
def target_create(*, actor: Any, agency: Agency | None, indicator_code: str, baseline: Any,
                  target: Any, start_date: datetime.date, due_date: datetime.date,
                  note: str = "", at: datetime.datetime | None = None) -> Target:
    _require_manager(actor)
    if indicator_code not in REGISTRY:
        raise ValidationFailed(_("Unknown indicator."))
    if due_date <= start_date:
        raise ValidationFailed(_("The due date must come after the start date."))
    base = _decimal(baseline, _("The value at the start"))
    goal = _decimal(target, _("The target value"))
    at = now_or(at)
    t = Target.objects.create(agency=agency, indicator_code=indicator_code,
                              baseline_value=base, target_value=goal, start_date=start_date,
                              due_date=due_date, note=note.strip(), created_by=actor,
                              created_at=at)
    audit_append(actor=actor, action="scorecard.target", object_type="target", object_id=t.pk,
                 to_state=str(goal), at=at,
                 data={"agency": agency.code if agency else None, "indicator": indicator_code,
                       "due": due_date})
    return t


@transaction.atomic
def target_progress_enter(*, actor: Any, target_id: int, on: datetime.date, value: Any,
                          evidence: str = "", at: datetime.datetime | None = None
                          ) -> TargetProgress:
    _require_manager(actor)
    target = Target.objects.select_for_update().get(pk=target_id)
    v = _decimal(value, _("The value"))
    at = now_or(at)
    row = TargetProgress.objects.create(target=target, on=on, value=v,
                                        evidence=evidence.strip(), entered_by=actor,
                                        entered_at=at)
    audit_append(actor=actor, action="scorecard.target_progress", object_type="target",
                 object_id=target.pk, to_state=str(v), at=at, data={"on": on})
    return row


@dataclass
class TargetStatus:
    target: Target
    current: Decimal | None
    expected: Decimal  # on the straight line from the baseline to the target, today
    measured: bool
    behind: bool
    past_due: bool
    met: bool


def _lower_is_better(code: str) -> bool:
    return code == "processing_time"


def target_current(target: Target, today: datetime.date) -> tuple[Decimal | None, bool]:
    """(value now, measured by the platform?) — a fraction for rates, days for time."""
    ind = REGISTRY.get(target.indicator_code)
    if ind is not None and ind.measure is not None:
        end = min(today, target.due_date)
        if end < target.start_date:
            return None, True
        card = service_index(unit=target.agency, period=Period(target.start_date, end))
        if target.indicator_code == "processing_time":
            c = card.counts
            if not c.finished:
                return None, True
            return (c.processing_days / c.finished).quantize(CENT, ROUND_HALF_UP), True
        line = card.line(target.indicator_code)
        return (line.rate if line else None), True
    entry = target.progress.filter(on__lte=today).order_by("-on", "-id").first()
    return (entry.value if entry else None), False


def target_status(target: Target, *, today: datetime.date | None = None) -> TargetStatus:
    """Behind = worse than the straight-line path from baseline to target at `today`, or
    past the due date without the target met."""
    today = today or timezone.localdate()
    current, measured = target_current(target, today)
    total = (target.due_date - target.start_date).days
    elapsed = min(max((today - target.start_date).days, 0), total)
    expected = target.baseline_value + (target.target_value - target.baseline_value) \
        * Decimal(elapsed) / Decimal(total)
    lower = _lower_is_better(target.indicator_code)

    def worse(a: Decimal, b: Decimal) -> bool:
        return a > b if lower else a < b

    met = current is not None and not worse(current, target.target_value)
    past_due = today > target.due_date
    behind = current is not None and (worse(current, expected) or (past_due and not met))
    return TargetStatus(target=target, current=current, expected=expected, measured=measured,
                        behind=behind, past_due=past_due, met=met)


def targets_check(*, today: datetime.date | None = None) -> int:
    """Set/clear Target.behind_since (idempotent); returns how many targets are behind.

    onestop.notifications has no staff-facing events (its Event choices are the citizen's
    dossier and feedback events), so falling behind is shown on the leaders' pages, with
    the day it started, rather than sent (docs/scorecard.md)."""
    today = today or timezone.localdate()
    behind = 0
    for target in Target.objects.select_related("agency"):
        status = target_status(target, today=today)
        if status.behind:
            behind += 1
            if target.behind_since is None:
                Target.objects.filter(pk=target.pk, behind_since__isnull=True).update(
                    behind_since=today)
        elif target.behind_since is not None:
            Target.objects.filter(pk=target.pk).update(behind_since=None)
    return behind
