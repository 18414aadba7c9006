"""Coordinates, distances and GeoJSON of the guide: pure functions, no database.

Distances use the haversine formula on a sphere of the mean Earth radius (IUGG, 6,371,008.8 m):
within a province the error against the WGS 84 ellipsoid stays under 0.5 %, far below what
"how far is it" needs. Floats appear only inside the formula; coordinates stay Decimal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import ValidationFailed

EARTH_RADIUS_M = 6_371_008.8
SIX_PLACES = Decimal("0.000001")
# One degree of latitude is about 111.2 km everywhere; a degree of longitude shrinks with
# cos(latitude). Used only to cut a box around a point before measuring exactly.
METRES_PER_DEGREE = 111_195.0


@dataclass(frozen=True)
class Bounds:
    south: Decimal
    west: Decimal
    north: Decimal
    east: Decimal

    def contains(self, lat: Decimal, lon: Decimal) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


def province_bounds() -> Bounds:
    raw = str(settings.ONESTOP_GUIDE_BOUNDS)
    try:
        south, west, north, east = (Decimal(part.strip()) for part in raw.split(","))
    except (ValueError, InvalidOperation) as exc:
        raise ImproperlyConfigured(
            f"ONESTOP_GUIDE_BOUNDS must be 'south,west,north,east', got {raw!r}") from exc
    if not (south < north and west < east):
        raise ImproperlyConfigured(f"ONESTOP_GUIDE_BOUNDS is not a box: {raw!r}")
    return Bounds(south, west, north, east)


def parse_coordinate(value: Any, *, what: object) -> Decimal:
    """A latitude or longitude as Decimal with 6 places; ValidationFailed for anything else."""
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(_("The %(what)s is not a number."), what=what) from exc
    if not number.is_finite():
        raise ValidationFailed(_("The %(what)s is not a number."), what=what)
    return number.quantize(SIX_PLACES, rounding=ROUND_HALF_EVEN)


def check_in_province(lat: Any, lon: Any) -> tuple[Decimal, Decimal]:
    """(lat, lon) as Decimals, refused unless the point lies in the province's box."""
    la = parse_coordinate(lat, what=_("latitude"))
    lo = parse_coordinate(lon, what=_("longitude"))
    bounds = province_bounds()
    if not bounds.contains(la, lo):
        raise ValidationFailed(
            _("The point %(lat)s, %(lon)s lies outside the province (latitude %(south)s to "
              "%(north)s, longitude %(west)s to %(east)s). Check that latitude and longitude "
              "are not swapped."),
            lat=la, lon=lo, south=bounds.south, north=bounds.north, west=bounds.west,
            east=bounds.east)
    return la, lo


def distance_m(lat1: Decimal | float, lon1: Decimal | float, lat2: Decimal | float,
               lon2: Decimal | float) -> int:
    """Great-circle distance in whole metres."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a))))


def box_around(lat: Decimal, lon: Decimal, radius_m: int) -> Bounds:
    """A box that holds every point within radius_m of (lat, lon) (a little more)."""
    dlat = radius_m / METRES_PER_DEGREE
    cos = max(math.cos(math.radians(float(lat))), 0.01)
    dlon = radius_m / (METRES_PER_DEGREE * cos)
    pad = Decimal("0.000002")
    return Bounds(
        south=(lat - Decimal(repr(dlat))).quantize(SIX_PLACES) - pad,
        west=(lon - Decimal(repr(dlon))).quantize(SIX_PLACES) - pad,
        north=(lat + Decimal(repr(dlat))).quantize(SIX_PLACES) + pad,
        east=(lon + Decimal(repr(dlon))).quantize(SIX_PLACES) + pad,
    )


def parse_linestring(value: Any) -> dict[str, Any]:
    """A GeoJSON LineString geometry (RFC 7946 §3.1.4), its points inside the province.

    Accepts the geometry itself or a Feature holding one; returns the bare geometry with
    coordinates as [lon, lat] numbers of 6 places. Anything else is refused with what is wrong.
    """
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    if not isinstance(value, dict) or value.get("type") != "LineString":
        raise ValidationFailed(_("The geometry must be a GeoJSON LineString."))
    coords = value.get("coordinates")
    if not isinstance(coords, list) or len(coords) < 2:
        raise ValidationFailed(_("A LineString needs at least two positions."))
    points: list[list[float]] = []
    for position in coords:
        if (not isinstance(position, list) or len(position) not in (2, 3)
                or not all(isinstance(n, int | float) and not isinstance(n, bool)
                           for n in position)):
            raise ValidationFailed(
                _("Each position of a LineString is [longitude, latitude] in numbers."))
        lat, lon = check_in_province(position[1], position[0])
        points.append([float(lon), float(lat)])
    return {"type": "LineString", "coordinates": points}
