"""Stored facts and applying differences to the daily roll-ups; the cursor row."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import asdict

from django.db.models import F

from ..models import DailyRollup, DossierFact, FeedbackFact, RollupCursor
from .facts import (
    CHUNK,
    FACT_FIELDS,
    FACT_RULES,
    Counters,
    Fact,
    FbFact,
    Key,
    _Calendars,
    compute_facts,
    compute_feedback_facts,
)


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


def _lock_cursor(*, wait: bool) -> RollupCursor | None:
    # A new cursor starts with nothing built: nothing built with older rules either.
    RollupCursor.objects.get_or_create(id=1, defaults={"rules_version": FACT_RULES})
    qs = RollupCursor.objects.select_for_update(skip_locked=not wait).filter(id=1)
    return qs.first()
