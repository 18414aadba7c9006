"""Traffic: keys per source, reports appended with a pointer to the latest, stale is never
current, citizens' reports shown only after review."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from onestop.core.errors import Conflict, NotAllowed, ValidationFailed
from onestop.guide.models import CitizenReport, ReviewState, TrafficReport
from onestop.guide.selectors import segment_statuses
from onestop.guide.services.traffic import (
    UnknownSegment,
    citizen_report_review,
    citizen_report_submit,
    segment_create,
    source_for_key,
    traffic_key_revoke,
    traffic_report_ingest,
    traffic_source_create,
)

from .conftest import image_upload

pytestmark = pytest.mark.django_db

LINE = {"type": "LineString", "coordinates": [[105.7840, 10.0330], [105.7880, 10.0341]]}


@pytest.fixture
def road(guide):
    return segment_create(actor=guide.staff, code="hai-ba-trung-1", name="Hai Bà Trưng",
                          from_name="Nguyễn Thái Học", to_name="Điện Biên Phủ", geometry=LINE)


@pytest.fixture
def source(guide):
    return traffic_source_create(actor=guide.staff, code="tt-dieu-hanh", name="Trung tâm")


def report(source, road, *, minutes_ago: int = 5, valid_minutes: int = 30, **kw):
    now = timezone.now()
    reported = now - datetime.timedelta(minutes=minutes_ago)
    return traffic_report_ingest(source=source, segment_code=road.code,
                                 kind=kw.pop("kind", "congestion"), level=kw.pop("level", "slow"),
                                 reported_at=reported,
                                 valid_until=reported + datetime.timedelta(minutes=valid_minutes),
                                 **kw)


def test_malformed_geojson_is_refused(guide):
    for geometry in ({"type": "Point", "coordinates": [105.78, 10.03]},
                     {"type": "LineString", "coordinates": [[105.78, 10.03]]},
                     {"type": "LineString", "coordinates": [["a", "b"], [105.78, 10.03]]},
                     {"type": "LineString", "coordinates": [[105.85, 21.03], [105.78, 10.03]]}):
        with pytest.raises(ValidationFailed):
            segment_create(actor=guide.staff, code="x", name="X", from_name="a", to_name="b",
                           geometry=geometry)


def test_a_key_names_its_source_until_it_is_revoked(guide, source):
    src, key = source
    assert source_for_key(key) == src
    assert source_for_key(key + "x") is None
    traffic_key_revoke(actor=guide.staff, prefix=key[:12])
    assert source_for_key(key) is None


def test_a_current_report_is_the_status_and_an_expired_one_is_stale(guide, source, road):
    src, _key = source
    report(src, road, level="congested")
    [status] = segment_statuses()
    assert (status.status, status.stale) == ("congested", False)
    later = timezone.now() + datetime.timedelta(hours=1)
    [status] = segment_statuses(now=later)
    assert (status.status, status.stale) == ("unknown", True)
    assert status.report is not None and status.report.level == "congested"


def test_a_late_arriving_older_report_does_not_hide_the_newer_one(guide, source, road):
    src, _key = source
    newer = report(src, road, minutes_ago=2, level="blocked").report
    report(src, road, minutes_ago=20, level="free")
    road.refresh_from_db()
    assert road.latest_report_id == newer.pk
    assert road.reports.count() == 2


def test_the_same_external_id_again_is_the_same_report(guide, source, road):
    src, _key = source
    first = report(src, road, external_id="cam-7-0001")
    again = report(src, road, external_id="cam-7-0001")
    assert first.created and not again.created and first.report.pk == again.report.pk


def test_a_report_for_an_unknown_segment_or_with_bad_times_is_refused(guide, source, road,
                                                                      english):
    src, _key = source
    now = timezone.now()
    with pytest.raises(UnknownSegment) as exc:
        traffic_report_ingest(source=src, segment_code="khong-co", kind="flooding",
                              level="blocked", reported_at=now,
                              valid_until=now + datetime.timedelta(hours=1))
    assert "khong-co" in str(exc.value)
    with pytest.raises(ValidationFailed):
        traffic_report_ingest(source=src, segment_code=road.code, kind="flooding",
                              level="blocked", reported_at=now, valid_until=now)
    with pytest.raises(ValidationFailed):
        traffic_report_ingest(source=src, segment_code=road.code, kind="tsunami",
                              level="blocked", reported_at=now,
                              valid_until=now + datetime.timedelta(hours=1))
    assert TrafficReport.objects.count() == 0


def test_a_citizens_flood_report_shows_only_after_review(guide, road):
    sent = citizen_report_submit(kind="flooding", lat="10.033500", lon="105.786000",
                                 description="Nước ngập tới bánh xe", photo=image_upload(),
                                 reporter=guide.citizen)
    assert sent.segment == road  # matched to the nearest segment
    assert segment_statuses()[0].report is None
    with pytest.raises(NotAllowed):
        citizen_report_review(actor=guide.citizen, report_id=sent.pk, approve=True)
    citizen_report_review(actor=guide.staff, report_id=sent.pk, approve=True)
    [status] = segment_statuses()
    assert (status.kind, status.stale) == ("flooding", False)
    with pytest.raises(Conflict):
        citizen_report_review(actor=guide.staff, report_id=sent.pk, approve=False)


def test_a_citizens_report_outside_the_province_or_with_a_non_image_is_refused(guide, road):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationFailed):
        citizen_report_submit(kind="flooding", lat="21.03", lon="105.85", description="x")
    with pytest.raises(ValidationFailed):
        citizen_report_submit(kind="flooding", lat="10.0335", lon="105.786", description="x",
                              photo=SimpleUploadedFile("a.jpg", b"GIF89a not accepted"))
    rejected = citizen_report_submit(kind="incident", lat="10.0335", lon="105.786",
                                     description="Va chạm")
    citizen_report_review(actor=guide.staff, report_id=rejected.pk, approve=False)
    assert CitizenReport.objects.get(pk=rejected.pk).state == ReviewState.REJECTED
    assert TrafficReport.objects.count() == 0
