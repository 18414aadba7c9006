"""Places in and out as GeoJSON (a FeatureCollection of Points) and CSV.

An import is all or nothing: every row (feature) is checked first with the same rules as a
place typed in by hand, and either all are created, published, in one transaction, or the
file is refused with every failing row named (core.csvimport).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import audit_append
from onestop.core.csvimport import (
    ImportRefused,
    Record,
    RowInvalid,
    check_rows,
    read_csv,
    records_from_table,
)
from onestop.core.errors import DomainError

from ..models import Place, PublishState
from ..permissions import require_tourism_staff
from .places import _refold, clean_place_data

MAX_ROWS = 20_000
CSV_COLUMNS = ("name", "name_en", "category", "commune_code", "address", "lat", "lon",
               "approximate", "phone", "website", "price_range", "closed_at_tet",
               "accessibility", "description", "description_en")
REQUIRED = ("name", "category", "commune_code", "lat", "lon")
_FLAGS = ("approximate", "closed_at_tet")


class PlacesImportRefused(ImportRefused):
    default_message = _("No place was imported: %(count)s row(s) have errors.")


def _check(values: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in values.items() if k in CSV_COLUMNS and v not in (None, "")}
    for flag in _FLAGS:
        if flag in data:
            data[flag] = str(data[flag]).strip().lower() in ("1", "true", "yes", "x", "có")
    try:
        return clean_place_data(data)
    except DomainError as exc:
        raise RowInvalid(str(exc)) from exc


def _records_from_geojson(data: bytes) -> list[Record]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PlacesImportRefused([_("The file is not valid JSON.")]) from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" \
            or not isinstance(doc.get("features"), list):
        raise PlacesImportRefused([_("A GeoJSON import is a FeatureCollection.")])
    if len(doc["features"]) > MAX_ROWS:
        raise PlacesImportRefused([_("At most %(max)s rows per file.") % {"max": MAX_ROWS}])
    records = []
    for index, feature in enumerate(doc["features"], start=1):
        values: dict[str, Any] = {}
        if isinstance(feature, dict):
            props = feature.get("properties")
            values = dict(props) if isinstance(props, dict) else {}
            geometry = feature.get("geometry")
            coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
            if (isinstance(geometry, dict) and geometry.get("type") == "Point"
                    and isinstance(coords, list) and len(coords) >= 2):
                values["lon"], values["lat"] = coords[0], coords[1]
            else:
                values["_geometry_error"] = True
        else:
            values["_geometry_error"] = True
        records.append(Record(line=index, values=values))
    return records


def _check_feature(record: Record) -> dict[str, Any]:
    if record.values.get("_geometry_error"):
        raise RowInvalid(_("the feature's geometry must be a GeoJSON Point"))
    return _check(dict(record.values))


def _feature_label(record: Record) -> str:
    return str(_("Feature %(n)s") % {"n": record.line})


@transaction.atomic
def places_import(*, actor: Any, data: bytes, filename: str, is_demo: bool = False
                  ) -> list[Place]:
    """Create (and publish) every place of a .geojson/.json or .csv file, or none."""
    require_tourism_staff(actor)
    name = filename.lower()
    if name.endswith((".geojson", ".json")):
        rows = check_rows(_records_from_geojson(data), _check_feature, label=_feature_label,
                          refused=PlacesImportRefused)
    elif name.endswith(".csv"):
        table = read_csv(data, refused=PlacesImportRefused)
        records = records_from_table(table, columns=REQUIRED, max_rows=MAX_ROWS,
                                     refused=PlacesImportRefused)
        rows = check_rows(records, lambda r: _check(dict(r.values)),
                          refused=PlacesImportRefused)
    else:
        raise PlacesImportRefused([_("Import a .geojson or a .csv file.")])
    if not rows:
        raise PlacesImportRefused([_("The file holds no place.")])
    now = timezone.now()
    places = []
    for row in rows:
        place = Place(**row, state=PublishState.PUBLISHED, published_at=now, is_demo=is_demo)
        _refold(place)
        places.append(place)
    Place.objects.bulk_create(places, batch_size=500)
    audit_append(actor=actor, action="guide.places_import", object_type="guide_place",
                 object_id="import", data={"file": filename[:100], "count": len(places)})
    return places


def _row(place: Place) -> dict[str, Any]:
    return {"name": place.name, "name_en": place.name_en, "category": place.category,
            "commune_code": place.commune_id, "address": place.address, "lat": str(place.lat),
            "lon": str(place.lon), "approximate": place.approximate, "phone": place.phone,
            "website": place.website, "price_range": place.price_range,
            "closed_at_tet": place.closed_at_tet, "accessibility": place.accessibility,
            "description": place.description, "description_en": place.description_en}


def places_geojson(places: Any) -> dict[str, Any]:
    """A FeatureCollection that `places_import` reads back (coordinates as numbers)."""
    features = []
    for place in places:
        props = _row(place)
        props.pop("lat"), props.pop("lon")
        props["id"] = place.pk
        features.append({"type": "Feature", "id": place.pk,
                         "geometry": {"type": "Point",
                                      "coordinates": [float(place.lon), float(place.lat)]},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def places_csv(places: Any) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for place in places:
        row = _row(place)
        for flag in _FLAGS:
            row[flag] = "1" if row[flag] else ""
        writer.writerow(row)
    return out.getvalue()
