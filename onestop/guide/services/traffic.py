"""Road segments, report sources with their API keys, status reports, citizens' reports.

A status report is appended, never edited; the segment points at its latest report (by the
time it was reported, so a late arrival never hides a newer one). Reports that machines send
are not written to the audit chain one by one (hundreds a minute would serialise every writer
on the chain's head row); the report row keeps the source, the key's source and the time it
was received. What people do — keys made or revoked, citizens' reports reviewed — is audited.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import audit_append
from onestop.core.errors import Conflict, NotFound, ValidationFailed

from ..geo import check_in_province, distance_m, parse_linestring
from ..models import (
    CitizenReport,
    CongestionLevel,
    ReviewState,
    RoadSegment,
    TrafficApiKey,
    TrafficKind,
    TrafficReport,
    TrafficSource,
)
from ..permissions import require_tourism_staff
from ..photos import photo_accept

# A source's clock may run a little ahead of ours.
CLOCK_SKEW = datetime.timedelta(minutes=5)
# The longest a report may claim to stay true: a status is a moment, not a plan.
MAX_VALIDITY = datetime.timedelta(days=31)
# A citizen's point is matched to the nearest segment within this distance of its line.
NEAREST_SEGMENT_M = 500
# What a reviewed citizen's report says about the traffic, by kind.
CITIZEN_LEVEL = {TrafficKind.FLOODING: CongestionLevel.CONGESTED,
                 TrafficKind.INCIDENT: CongestionLevel.SLOW}


class UnknownSegment(ValidationFailed):
    default_message = _("There is no road segment with the code “%(code)s”. GET "
                        "/api/v1/traffic/segments lists the codes.")
    http_status = 422


@dataclass(frozen=True)
class Ingested:
    report: TrafficReport
    created: bool


def _hash_key(key: str) -> str:
    # 32 random bytes: a plain SHA-256 is enough (nothing to guess from a dictionary).
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def segment_create(*, actor: Any, code: str, name: str, from_name: str, to_name: str,
                   geometry: Any, is_demo: bool = False) -> RoadSegment:
    require_tourism_staff(actor)
    code = str(code).strip()
    if not code or len(code) > 40 or not code.replace("-", "").isalnum() or not code.isascii():
        raise ValidationFailed(_("A segment code is letters, digits and dashes."))
    if RoadSegment.objects.filter(code=code).exists():
        raise ValidationFailed(_("A road segment with this code already exists."))
    if not name.strip():
        raise ValidationFailed(_("Give the road's name."))
    segment = RoadSegment.objects.create(
        code=code, name=name.strip()[:200], from_name=from_name.strip()[:200],
        to_name=to_name.strip()[:200], geometry=parse_linestring(geometry), is_demo=is_demo)
    audit_append(actor=actor, action="guide.segment_create", object_type="guide_segment",
                 object_id=segment.code)
    return segment


@transaction.atomic
def traffic_source_create(*, actor: Any, code: str, name: str, is_demo: bool = False
                          ) -> tuple[TrafficSource, str]:
    """A report source and its first API key: (source, key). The key is shown only now."""
    require_tourism_staff(actor)
    code = str(code).strip()
    if not code or len(code) > 30 or not code.replace("-", "").isalnum() or not code.isascii():
        raise ValidationFailed(_("A source code is letters, digits and dashes."))
    if TrafficSource.objects.filter(code=code).exists():
        raise ValidationFailed(_("A report source with this code already exists."))
    source = TrafficSource.objects.create(code=code, name=name.strip()[:200] or code,
                                          is_demo=is_demo)
    audit_append(actor=actor, action="guide.source_create", object_type="guide_source",
                 object_id=source.code)
    return source, traffic_key_create(actor=actor, source_id=source.pk)


@transaction.atomic
def traffic_key_create(*, actor: Any, source_id: int) -> str:
    require_tourism_staff(actor)
    source = TrafficSource.objects.filter(pk=source_id).first()
    if source is None:
        raise NotFound()
    key = f"tk_{secrets.token_urlsafe(32)}"
    TrafficApiKey.objects.create(source=source, prefix=key[:12], key_hash=_hash_key(key))
    audit_append(actor=actor, action="guide.source_key", object_type="guide_source",
                 object_id=source.code, data={"prefix": key[:12]})
    return key


@transaction.atomic
def traffic_key_revoke(*, actor: Any, prefix: str) -> int:
    require_tourism_staff(actor)
    keys = TrafficApiKey.objects.select_for_update().filter(prefix=prefix, revoked_at__isnull=True)
    count = keys.update(revoked_at=timezone.now())
    audit_append(actor=actor, action="guide.source_key_revoke", object_type="guide_source_key",
                 object_id=prefix, data={"revoked": count})
    return count


def source_for_key(key: str) -> TrafficSource | None:
    """The active source holding this unrevoked key, or None."""
    if not key or len(key) > 200:
        return None
    row = (TrafficApiKey.objects.select_related("source")
           .filter(key_hash=_hash_key(key.strip()), revoked_at__isnull=True,
                   source__is_active=True).first())
    return row.source if row else None


def _moment(value: Any, what: str) -> datetime.datetime:
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValidationFailed(_("The %(what)s is not a date and time (ISO 8601)."),
                                   what=what) from exc
    if not isinstance(value, datetime.datetime):
        raise ValidationFailed(_("The %(what)s is not a date and time (ISO 8601)."), what=what)
    if timezone.is_naive(value):
        raise ValidationFailed(_("The %(what)s needs its time zone (e.g. +07:00)."), what=what)
    return value


def _point_to_new(segment: RoadSegment, report: TrafficReport) -> None:
    latest = segment.latest_report
    if latest is None or (report.reported_at, report.pk) >= (latest.reported_at, latest.pk):
        segment.latest_report = report
        segment.save(update_fields=["latest_report"])


def traffic_report_ingest(*, source: TrafficSource, segment_code: str, kind: str, level: str,
                          reported_at: Any, valid_until: Any, description: str = "",
                          camera_url: str = "", external_id: str = "",
                          now: datetime.datetime | None = None) -> Ingested:
    """Append one report of a source. The same `external_id` again is the same report."""
    now = now or timezone.now()
    if kind not in TrafficKind.values:
        raise ValidationFailed(_("Unknown kind of report: use one of %(kinds)s."),
                               kinds=", ".join(TrafficKind.values))
    if level not in CongestionLevel.values:
        raise ValidationFailed(_("Unknown congestion level: use one of %(levels)s."),
                               levels=", ".join(CongestionLevel.values))
    reported = _moment(reported_at, str(_("report's time")))
    until = _moment(valid_until, str(_("end of validity")))
    if reported > now + CLOCK_SKEW:
        raise ValidationFailed(_("The report's time is in the future."))
    if until <= reported:
        raise ValidationFailed(_("A report must stay valid for some time after it is made."))
    if until - reported > MAX_VALIDITY:
        raise ValidationFailed(_("A report may stay valid for at most 31 days."))
    if camera_url:
        try:
            URLValidator(schemes=["https", "http"])(camera_url)
        except ValidationError as exc:
            raise ValidationFailed(_("The camera snapshot is not a web address.")) from exc
    external_id = str(external_id).strip()[:80]
    with transaction.atomic():
        segment = (RoadSegment.objects.select_for_update(of=("self",))
                   .select_related("latest_report").filter(code=str(segment_code).strip()[:40]).first())
        if segment is None:
            raise UnknownSegment(code=str(segment_code)[:40])
        if external_id:
            existing = TrafficReport.objects.filter(source=source, external_id=external_id).first()
            if existing is not None:
                if existing.segment_id != segment.pk:
                    raise Conflict(_("This report id was already used for another segment."))
                return Ingested(existing, created=False)
        try:
            with transaction.atomic():
                report = TrafficReport.objects.create(
                    segment=segment, source=source, kind=kind, level=level,
                    description=" ".join(description.split())[:500], camera_url=camera_url,
                    reported_at=reported, valid_until=until, received_at=now,
                    external_id=external_id, is_demo=source.is_demo)
        except IntegrityError as exc:  # a twin send won the race for the same external id
            raise Conflict(_("This report was sent twice at once; send it again.")) from exc
        _point_to_new(segment, report)
    return Ingested(report, created=True)


# --------------------------------------------------------------------------- citizens


def nearest_segment(lat: Any, lon: Any, *, within_m: int = NEAREST_SEGMENT_M
                    ) -> RoadSegment | None:
    """The segment with a vertex nearest the point, within `within_m` (segments are short)."""
    best: tuple[int, RoadSegment] | None = None
    for segment in RoadSegment.objects.all():
        for lo, la in segment.geometry.get("coordinates", []):
            d = distance_m(lat, lon, la, lo)
            if d <= within_m and (best is None or d < best[0]):
                best = (d, segment)
    return best[1] if best else None


@transaction.atomic
def citizen_report_submit(*, kind: str, lat: Any, lon: Any, description: str,
                          photo: Any | None = None, segment_code: str = "",
                          reporter: Any | None = None, is_demo: bool = False) -> CitizenReport:
    if kind not in (TrafficKind.FLOODING, TrafficKind.INCIDENT):
        raise ValidationFailed(_("Report flooding or an incident."))
    la, lo = check_in_province(lat, lon)
    description = " ".join(str(description).split())[:500]
    if not description:
        raise ValidationFailed(_("Say in a few words what you saw."))
    segment = None
    if segment_code:
        segment = RoadSegment.objects.filter(code=segment_code.strip()[:40]).first()
        if segment is None:
            raise UnknownSegment(code=segment_code[:40])
    else:
        segment = nearest_segment(la, lo)
    user = reporter if getattr(reporter, "is_authenticated", False) else None
    report = CitizenReport(kind=kind, lat=la, lon=lo, description=description, segment=segment,
                           reporter=user, is_demo=is_demo)
    if photo:
        accepted = photo_accept(photo)
        report.photo.save(accepted.content.name or "anh.jpg", accepted.content, save=False)
    report.save()
    audit_append(actor=user, action="guide.citizen_report", object_type="guide_citizen_report",
                 object_id=report.pk, to_state=report.state,
                 data={"kind": kind, "segment": segment.code if segment else None})
    return report


@transaction.atomic
def citizen_report_review(*, actor: Any, report_id: int, approve: bool,
                          segment_code: str = "", now: datetime.datetime | None = None
                          ) -> CitizenReport:
    """Approve (it shows as the segment's current report for a few hours) or reject."""
    require_tourism_staff(actor)
    now = now or timezone.now()
    report = CitizenReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound()
    if report.state != ReviewState.PENDING:
        raise Conflict(_("This report was already reviewed."))
    if approve:
        segment_id = report.segment_id
        if segment_code:
            chosen = RoadSegment.objects.filter(code=segment_code.strip()[:40]).first()
            if chosen is None:
                raise UnknownSegment(code=segment_code[:40])
            segment_id = chosen.pk
        if segment_id is None:
            raise ValidationFailed(_("Choose the road segment this report is about."))
        segment = (RoadSegment.objects.select_for_update(of=("self",))
                   .select_related("latest_report").get(pk=segment_id))
        hours = datetime.timedelta(hours=settings.ONESTOP_GUIDE_CITIZEN_REPORT_HOURS)
        published = TrafficReport.objects.create(
            segment=segment, citizen_report=report, kind=report.kind,
            level=CITIZEN_LEVEL.get(TrafficKind(report.kind), CongestionLevel.SLOW),
            description=report.description, reported_at=min(report.created_at, now),
            valid_until=max(report.created_at, now) + hours, received_at=now,
            is_demo=report.is_demo)
        _point_to_new(segment, published)
        report.segment = segment
    before = report.state
    report.state = ReviewState.APPROVED if approve else ReviewState.REJECTED
    report.reviewed_by, report.reviewed_at = actor, now
    report.save()
    audit_append(actor=actor, action="guide.citizen_report_review",
                 object_type="guide_citizen_report", object_id=report.pk, from_state=before,
                 to_state=report.state)
    return report
