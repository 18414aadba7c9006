"""/api/v1/places, /api/v1/ocop/…, /api/v1/traffic/…: the city guide for the city app.

Exact shapes other tools rely on (issue 20): `GET /places?q=…` gives `items` with `id`,
`name`, `category`, `lat`, `lon`; `GET /places?near=LAT,LON&radius_m=N` sorts by distance and
adds `distance_m`; `GET /ocop/products?stars=N`; `GET /traffic/segments` gives each segment's
`status`, `reported_at` and `stale`; `POST /traffic/reports` takes the source's key in
`X-Api-Key`. Lists are cursor pages with a strong ETag (304 on If-None-Match), as the catalog.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.errors import HttpError
from ninja.security import APIKeyHeader

from onestop.core.errors import DomainError, ValidationFailed
from onestop.core.ratelimit import client_address, hit, lookup_key
from onestop.guide.geo import check_in_province
from onestop.guide.models import (
    CongestionLevel,
    OcopCategory,
    OcopProduct,
    Place,
    PlaceCategory,
    RoadSegment,
    TrafficKind,
    TrafficSource,
)
from onestop.guide.selectors import (
    MAX_RADIUS_M,
    SegmentStatus,
    ocop_showcase,
    place_search,
    places_near,
    published_places,
    segment_history,
    segment_statuses,
    status_of,
)
from onestop.guide.services.traffic import (
    citizen_report_submit,
    source_for_key,
    traffic_report_ingest,
)

from .base import ERRORS, InputSchema, decode_cursor, encode_cursor
from .public import _english
from .public import _etagged as _etagged_plain

router = Router(tags=["guide"])

PAGE = 50
DEFAULT_RADIUS_M = 2000


class TrafficKeyRefused(DomainError):
    default_message = gettext_lazy("The X-Api-Key header is missing, wrong or revoked. Ask the "
                                   "city's tourism office for a key of your source.")
    http_status = 401


class TrafficKey(APIKeyHeader):
    param_name = "X-Api-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> TrafficSource:
        source = source_for_key(key or "")
        if source is None:
            # Anyone can try keys here: wrong ones count against the address's allowance.
            hit(key=f"traffic-key:{client_address(request)}",
                limit=settings.ONESTOP_WEBHOOK_RATE_LIMIT,
                window_seconds=settings.ONESTOP_WEBHOOK_RATE_WINDOW)
            raise TrafficKeyRefused()
        return source


traffic_key = TrafficKey()


def _etagged(request: HttpRequest, payload: dict[str, Any]) -> HttpResponse:
    # Moments as ISO 8601 (the catalog's payloads hold none; str() of a datetime is not one).
    return _etagged_plain(request, json.loads(json.dumps(payload, cls=DjangoJSONEncoder)))


def _name(obj: Any) -> str:
    english = getattr(obj, "name_en", "") if _english() else ""
    return str(english or obj.name)


def _page(rows: list[Any], offset: int) -> tuple[list[Any], str | None]:
    more = len(rows) > PAGE
    return rows[:PAGE], encode_cursor({"o": offset + PAGE}) if more else None


# --------------------------------------------------------------------------- places


class PlaceItem(Schema):
    id: int
    name: str
    category: str
    lat: float
    lon: float
    commune: str
    address: str
    approximate: bool
    distance_m: int | None = Field(None, description="Only with near=: metres from the point")


class PlacePage(Schema):
    items: list[PlaceItem]
    next: str | None


class PlaceDetail(PlaceItem):
    description: str
    opening_hours: dict[str, list[list[str]]]
    closed_at_tet: bool
    price_range: str
    phone: str
    website: str
    accessibility: str
    photos: list[str]


class PlaceFilters(InputSchema):
    q: str = Field("", max_length=200)
    category: str = Field("", max_length=20)
    commune: str = Field("", max_length=5)
    near: str = Field("", max_length=60, description="LAT,LON: places by distance from it")
    radius_m: int = Field(DEFAULT_RADIUS_M, ge=1, le=MAX_RADIUS_M)
    cursor: str | None = None


def _place_item(place: Place, distance: int | None = None) -> dict[str, Any]:
    return {"id": place.pk, "name": _name(place), "category": place.category,
            "lat": float(place.lat), "lon": float(place.lon), "commune": place.commune.name,
            "address": place.address, "approximate": place.approximate, "distance_m": distance}


def _near(text: str) -> tuple[Any, Any]:
    parts = text.split(",")
    if len(parts) != 2:
        raise ValidationFailed(_("near= is LAT,LON in decimal degrees, e.g. 10.0341,105.7880."))
    return check_in_province(parts[0], parts[1])


@router.get("/places", response={200: PlacePage, 304: None, **ERRORS},
            summary="Places: text search (accents and case ignored) or nearby by distance")
def places(request: HttpRequest, filters: Query[PlaceFilters]) -> HttpResponse:
    if filters.category and filters.category not in PlaceCategory.values:
        raise HttpError(400, _("Unknown category: use one of %(values)s.")
                        % {"values": ", ".join(PlaceCategory.values)})
    offset = decode_cursor(filters.cursor, key="o") or 0
    if filters.near:
        lat, lon = _near(filters.near)
        found = places_near(lat=lat, lon=lon, radius_m=filters.radius_m,
                            category=filters.category, query=filters.q, offset=offset,
                            limit=PAGE + 1)
        rows, following = _page(found, offset)
        items = [_place_item(n.place, n.distance_m) for n in rows]
    else:
        qs = place_search(query=filters.q, category=filters.category,
                          commune_code=filters.commune)
        rows, following = _page(list(qs[offset:offset + PAGE + 1]), offset)
        items = [_place_item(p) for p in rows]
    return _etagged(request, {"items": items, "next": following})


@router.get("/places/{place_id}", response={200: PlaceDetail, 304: None, **ERRORS},
            summary="One published place")
def place(request: HttpRequest, place_id: int) -> HttpResponse:
    found = published_places().prefetch_related("photos").filter(pk=place_id).first()
    if found is None:
        raise Http404
    english = _english()
    payload = {**_place_item(found),
               "description": (found.description_en if english else "") or found.description,
               "opening_hours": found.opening_hours, "closed_at_tet": found.closed_at_tet,
               "price_range": found.price_range, "phone": found.phone, "website": found.website,
               "accessibility": found.accessibility,
               "photos": [p.image.url for p in found.photos.all()]}
    return _etagged(request, payload)


# --------------------------------------------------------------------------- OCOP


class ListingOut(Schema):
    platform: str
    url: str


class OcopItem(Schema):
    id: int
    name: str
    category: str
    stars: int
    producer: str
    producer_kind: str
    commune: str
    price: int | None
    unit: str
    decision_number: str
    decision_date: datetime.date
    decision_authority: str
    certificate_expires: datetime.date
    listings: list[ListingOut]


class OcopPage(Schema):
    items: list[OcopItem]
    next: str | None


class OcopFilters(InputSchema):
    stars: int | None = Field(None, ge=3, le=5)
    category: str = Field("", max_length=20)
    commune: str = Field("", max_length=5)
    q: str = Field("", max_length=200)
    cursor: str | None = None


def ocop_item(product: OcopProduct) -> dict[str, Any]:
    return {"id": product.pk, "name": _name(product), "category": product.category,
            "stars": product.stars, "producer": product.producer.name,
            "producer_kind": product.producer.kind, "commune": product.producer.commune.name,
            "price": product.price, "unit": product.unit,
            "decision_number": product.decision_number, "decision_date": product.decision_date,
            "decision_authority": product.decision_authority,
            "certificate_expires": product.certificate_expires,
            "listings": [{"platform": ls.platform, "url": ls.url}
                         for ls in product.listings.all()]}


@router.get("/ocop/products", response={200: OcopPage, 304: None, **ERRORS},
            summary="OCOP products whose certificate is in force, most stars first")
def ocop_products(request: HttpRequest, filters: Query[OcopFilters]) -> HttpResponse:
    if filters.category and filters.category not in OcopCategory.values:
        raise HttpError(400, _("Unknown category: use one of %(values)s.")
                        % {"values": ", ".join(OcopCategory.values)})
    offset = decode_cursor(filters.cursor, key="o") or 0
    qs = ocop_showcase(stars=filters.stars, category=filters.category,
                       commune_code=filters.commune, query=filters.q)
    rows, following = _page(list(qs[offset:offset + PAGE + 1]), offset)
    return _etagged(request, {"items": [ocop_item(p) for p in rows], "next": following})


@router.get("/ocop/products/{product_id}", response={200: OcopItem, 304: None, **ERRORS},
            summary="One OCOP product in the showcase")
def ocop_product(request: HttpRequest, product_id: int) -> HttpResponse:
    found = ocop_showcase().filter(pk=product_id).first()
    if found is None:
        raise Http404
    return _etagged(request, ocop_item(found))


# --------------------------------------------------------------------------- traffic


class SegmentOut(Schema):
    code: str
    name: str
    from_name: str
    to_name: str
    geometry: dict[str, Any]
    status: str = Field(description="free, slow, congested, blocked; unknown when the last "
                                    "report has expired (stale) or there is none")
    kind: str | None
    reported_at: datetime.datetime | None
    valid_until: datetime.datetime | None
    stale: bool = Field(description="true when the last report is past its validity")
    last_status: str | None = Field(description="The level of the last report, current or not")
    description: str
    camera_url: str


class SegmentPage(Schema):
    items: list[SegmentOut]
    next: str | None


class ReportOut(Schema):
    id: int
    kind: str
    level: str
    description: str
    camera_url: str
    reported_at: datetime.datetime
    valid_until: datetime.datetime
    source: str


class SegmentHistory(Schema):
    segment: SegmentOut
    reports: list[ReportOut]


class ReportIn(InputSchema):
    segment: str = Field(max_length=40, description="The segment's code")
    kind: str = Field(max_length=12, description=", ".join(TrafficKind.values))
    level: str = Field(max_length=10, description=", ".join(CongestionLevel.values))
    reported_at: datetime.datetime
    valid_until: datetime.datetime
    description: str = Field("", max_length=500)
    camera_url: str = Field("", max_length=200)
    id: str = Field("", max_length=80, description="The source's own id: resending it is safe")


class ReportAccepted(Schema):
    id: int
    segment: str
    created: bool


class CursorOnly(InputSchema):
    cursor: str | None = None


def _segment(status: SegmentStatus) -> dict[str, Any]:
    report, segment = status.report, status.segment
    return {"code": segment.code, "name": segment.name, "from_name": segment.from_name,
            "to_name": segment.to_name, "geometry": segment.geometry, "status": status.status,
            "kind": status.kind, "reported_at": report.reported_at if report else None,
            "valid_until": report.valid_until if report else None, "stale": status.stale,
            "last_status": report.level if report else None,
            "description": report.description if report and not status.stale else "",
            "camera_url": report.camera_url if report and not status.stale else ""}


@router.get("/traffic/segments", response={200: SegmentPage, 304: None, **ERRORS},
            summary="Road segments with their current status (stale when the report expired)")
def traffic_segments(request: HttpRequest, params: Query[CursorOnly]) -> HttpResponse:
    offset = decode_cursor(params.cursor, key="o") or 0
    rows, following = _page(segment_statuses()[offset:offset + PAGE + 1], offset)
    return _etagged(request, {"items": [_segment(s) for s in rows], "next": following})


@router.get("/traffic/segments/{code}", response={200: SegmentHistory, **ERRORS},
            summary="One segment's status and its report history, newest first")
def traffic_segment(request: HttpRequest, code: str) -> dict[str, Any]:
    try:
        segment, reports = segment_history(code=code[:40])
    except RoadSegment.DoesNotExist as exc:
        raise Http404 from exc
    return {"segment": _segment(status_of(segment, timezone.now())),
            "reports": [{"id": r.pk, "kind": r.kind, "level": r.level,
                         "description": r.description, "camera_url": r.camera_url,
                         "reported_at": r.reported_at, "valid_until": r.valid_until,
                         "source": r.source.name if r.source else _("citizen (reviewed)")}
                        for r in reports]}


@router.post("/traffic/reports", auth=traffic_key,
             response={200: ReportAccepted, 201: ReportAccepted, **ERRORS},
             summary="A source's status report of one segment (header X-Api-Key)")
def traffic_report(request: HttpRequest, data: ReportIn) -> tuple[int, dict[str, Any]]:
    result = traffic_report_ingest(
        source=request.auth, segment_code=data.segment, kind=data.kind,  # type: ignore[attr-defined]
        level=data.level, reported_at=data.reported_at, valid_until=data.valid_until,
        description=data.description, camera_url=data.camera_url, external_id=data.id)
    return (201 if result.created else 200), {"id": result.report.pk, "segment": data.segment,
                                              "created": result.created}


class CitizenReportIn(InputSchema):
    kind: str = Field(max_length=12, description="flooding or incident")
    lat: str = Field(max_length=20)
    lon: str = Field(max_length=20)
    description: str = Field(max_length=500)
    segment: str = Field("", max_length=40, description="The segment's code; empty: the "
                                                        "nearest segment to the point")


class CitizenReportAccepted(Schema):
    id: int
    state: str
    segment: str | None


@router.post("/traffic/citizen-reports",
             response={201: CitizenReportAccepted, **ERRORS},
             summary="A citizen reports flooding or an incident (with an optional photo); "
                     "it shows on the traffic map once the city has reviewed it")
def citizen_report(request: HttpRequest, data: Form[CitizenReportIn],
                   photo: File[UploadedFile] = None  # type: ignore[assignment]
                   ) -> tuple[int, dict[str, Any]]:
    # Anyone may report: one allowance per address, as for the public lookups.
    hit(key=lookup_key(request, scope="guide-report"),
        limit=settings.ONESTOP_LOOKUP_RATE_LIMIT,
        window_seconds=settings.ONESTOP_LOOKUP_RATE_WINDOW)
    report = citizen_report_submit(kind=data.kind, lat=data.lat, lon=data.lon,
                                   description=data.description, photo=photo,
                                   segment_code=data.segment, reporter=request.user)
    return 201, {"id": report.pk, "state": report.state,
                 "segment": report.segment.code if report.segment else None}
