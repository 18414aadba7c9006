"""The public status lookup: a dossier's status for whoever knows its code and the last four
digits of the applicant's phone or CCCD (no account needed)."""

from __future__ import annotations

import datetime
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..models import Dossier
from .timeline import TimelineEntry, action_label, events_of, status_label

# Events a citizen sees: status changes and a signed extension. Labels and times only; never
# a name or a reason, which may hold personal data.
PUBLIC_EXTRA = ("dossier.extend",)
_NON_DIGIT = re.compile(r"\D")


@dataclass(frozen=True)
class PublicStatus:
    code: str
    procedure_name: str
    status: str
    status_code: int
    received_at: datetime.datetime | None
    appointment_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    timeline: list[TimelineEntry] = field(default_factory=list)


def _last4(value: str) -> str:
    digits = _NON_DIGIT.sub("", value or "")
    return digits[-4:] if len(digits) >= 4 else ""


def _factor_matches(factor: str, candidates: Iterable[str]) -> bool:
    ok = False
    for candidate in candidates:
        last = _last4(candidate)
        # Compare every candidate, in constant time, so timing says nothing about which.
        ok |= bool(last) and hmac.compare_digest(last, factor)
    return ok


def public_status_lookup(*, code: str, factor: str) -> PublicStatus | None:
    """The public status of a dossier for someone who knows its code and the last four digits
    of the applicant's phone or CCCD; None when either does not match (the caller must answer
    both cases the same way, so a code cannot be probed)."""
    code = (code or "").strip().upper()
    factor = (factor or "").strip()
    if not code or not re.fullmatch(r"\d{4}", factor):
        return None
    dossier = (
        Dossier.objects.filter(code=code)
        .select_related("procedure_version")
        .only("id", "code", "status", "received_at", "appointment_at", "returned_at",
              "applicant_phone", "applicant_id_number", "procedure_version__id",
              "procedure_version__name")
        .first()
    )
    if dossier is None or not _factor_matches(
        factor, (dossier.applicant_phone, dossier.applicant_id_number)
    ):
        return None
    timeline = [
        TimelineEntry(at=e.at, label=action_label(e.action),
                      to_status=status_label(e.to_state))
        for e in events_of(dossier.pk)
        if e.from_state != e.to_state or e.action in PUBLIC_EXTRA
    ]
    return PublicStatus(
        code=dossier.code or "", procedure_name=dossier.procedure_version.name,
        status=dossier.get_status_display(), status_code=dossier.status,
        received_at=dossier.received_at, appointment_at=dossier.appointment_at,
        returned_at=dossier.returned_at, timeline=timeline,
    )


def frequently_used_procedures(*, limit: int = 6, days: int = 90,
                               now: datetime.datetime | None = None) -> list[Any]:
    """The procedures in force most filed in the last `days` days (one query), for the home
    page; a procedure nobody filed is left out. Counts every version's dossiers."""
    from django.db.models import Count, OuterRef, Subquery
    from django.utils import timezone

    from onestop.catalog.selectors import versions_in_force

    since = (now or timezone.now()) - datetime.timedelta(days=days)
    filed = (Dossier.objects.filter(
        procedure_version__procedure_id=OuterRef("procedure_id"), submitted_at__gte=since)
        .order_by().values("procedure_version__procedure_id")
        .annotate(n=Count("pk")).values("n"))
    return list(versions_in_force().annotate(filed=Subquery(filed))
                .filter(filed__gt=0).order_by("-filed", "name")[:limit])
