"""The coverage map and chart, drawn on the server as SVG geometry (no JavaScript, no map
tiles from elsewhere): communes' GeoJSON outlines projected to the page, shaded by the share
of households reached; without outlines, a ranked bar chart. Pure functions: the selectors
pass the figures in, templates draw the paths and bars."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# Shades of the brand blue, lightest for the lowest share; grey: no household count.
BUCKETS: tuple[tuple[Decimal, str], ...] = (
    (Decimal(0), "#dbe8f6"), (Decimal(5), "#a9c8ea"), (Decimal(10), "#6fa3da"),
    (Decimal(25), "#2f75c0"), (Decimal(50), "#0b4a8c"),
)
NO_DATA = "#d5d8dc"
WIDTH = 640


def shade(share: Decimal | None) -> str:
    if share is None:
        return NO_DATA
    colour = BUCKETS[0][1]
    for floor, fill in BUCKETS:
        if share >= floor:
            colour = fill
    return colour


def legend() -> list[tuple[str, str]]:
    """(label, colour): "0–5 %", …, "≥ 50 %"."""
    out = []
    for n, (floor, fill) in enumerate(BUCKETS):
        nxt = BUCKETS[n + 1][0] if n + 1 < len(BUCKETS) else None
        out.append((f"{floor}–{nxt} %" if nxt is not None else f"≥ {floor} %", fill))
    return out


def polygons(geometry: dict[str, Any]) -> list[list[list[tuple[float, float]]]]:
    """The polygons (each a list of rings of (lon, lat)) of a Polygon or MultiPolygon."""
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    raw = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [[[(float(p[0]), float(p[1])) for p in ring] for ring in polygon]
            for polygon in raw]


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    share: Decimal | None
    fill: str
    path: str  # SVG path data


@dataclass(frozen=True)
class Map:
    width: int
    height: int
    areas: list[Area]


def draw(items: Iterable[tuple[str, str, Decimal | None, dict[str, Any]]]) -> Map | None:
    """(code, name, share, geometry) of each commune -> the SVG map, or None without any
    outline. Equirectangular, x scaled by cos(mid latitude): true enough at a city's size."""
    shapes = [(code, name, share, polygons(geometry)) for code, name, share, geometry in items]
    points = [p for *_x, polys in shapes for poly in polys for ring in poly for p in ring]
    if not points:
        return None
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    squash = math.cos(math.radians((north + south) / 2))
    span_x = max((east - west) * squash, 1e-9)
    span_y = max(north - south, 1e-9)
    scale = (WIDTH - 20) / span_x
    height = round(span_y * scale) + 20

    def xy(lon: float, lat: float) -> str:
        return f"{10 + (lon - west) * squash * scale:.1f},{10 + (north - lat) * scale:.1f}"

    areas = []
    for code, name, share, polys in shapes:
        if not polys:
            continue
        d = " ".join("M" + " L".join(xy(*p) for p in ring) + " Z"
                     for poly in polys for ring in poly if ring)
        areas.append(Area(code=code, name=name, share=share, fill=shade(share), path=d))
    return Map(width=WIDTH, height=height, areas=areas)


@dataclass(frozen=True)
class Bar:
    name: str
    share: Decimal | None
    y: int
    width: int
    fill: str


def ranked_bars(items: Sequence[tuple[str, Decimal | None]], *, width: int = 360,
                row: int = 22) -> tuple[list[Bar], int]:
    """Bars of (name, share) in the order given (ranked by the caller); the longest bar is
    the largest share (at least 1 %, so small shares still show their differences)."""
    top = max([s for _n, s in items if s is not None] + [Decimal(1)])
    bars = [Bar(name=name, share=share, y=n * row,
                width=0 if share is None else max(1, int(share * width / top)),
                fill=shade(share)) for n, (name, share) in enumerate(items)]
    return bars, len(items) * row
