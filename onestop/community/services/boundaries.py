"""Communes' outlines from GeoJSON, for the coverage map."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import AdministrativeUnit
from onestop.core.audit import audit_append
from onestop.core.csvimport import (
    ImportRefused,
)
from onestop.core.errors import NotAllowed

from ..models import (
    CommuneBoundary,
)

# --------------------------------------------------------------------------- boundaries

# Where a GeoJSON feature may carry the commune's national code (post-2025 ward codes).
CODE_PROPERTIES = ("code", "ma_xa", "ma", "ma_dvhc", "commune_code")
BOUNDARY_MAX_BYTES = 20 * 1024 * 1024


class BoundariesRefused(ImportRefused):
    default_message = _("No boundary was imported: %(count)s error(s) in the GeoJSON file.")


@transaction.atomic
def boundaries_import(*, actor: Any | None, data: bytes) -> int:
    """Communes' outlines from a GeoJSON FeatureCollection (Polygon or MultiPolygon, each
    feature naming its commune's national code in one of CODE_PROPERTIES or its `id`), all
    or nothing; a commune imported again gets the new outline. For the city's leaders and
    admins. Returns the number of communes."""
    from ..selectors import is_city_manager

    if actor is not None and not is_city_manager(user=actor):
        raise NotAllowed(_("Only the city's leaders and admins import commune boundaries."))
    if len(data) > BOUNDARY_MAX_BYTES:
        raise BoundariesRefused([_("The file is larger than 20 MB.")])
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BoundariesRefused([_("The file is not GeoJSON (JSON text).")]) from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        raise BoundariesRefused([_("The file is not a GeoJSON FeatureCollection with features.")])
    errors: list[str] = []
    found: dict[str, dict[str, Any]] = {}
    for n, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            feature = {}
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        code = next((str(props[k]).strip() for k in CODE_PROPERTIES if props.get(k)), "")
        code = code or str(feature.get("id") or "").strip()
        geometry = feature.get("geometry")
        if not code:
            errors.append(_("Feature %(n)s: no commune code.") % {"n": n})
        elif not isinstance(geometry, dict) or geometry.get("type") not in (
                "Polygon", "MultiPolygon") or not geometry.get("coordinates"):
            errors.append(_("Feature %(n)s (%(code)s): not a Polygon or MultiPolygon.")
                          % {"n": n, "code": code})
        else:
            found[code] = {"type": geometry["type"], "coordinates": geometry["coordinates"]}
    units = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=found)}
    for code in sorted(set(found) - set(units)):
        errors.append(_("Unknown commune code %(code)s.") % {"code": code})
    if errors:
        raise BoundariesRefused(errors)
    for code, geometry in found.items():
        CommuneBoundary.objects.update_or_create(commune=units[code],
                                                 defaults={"geometry": geometry})
    audit_append(actor=actor, action="community.boundaries_import", object_type="commune",
                 object_id=",".join(sorted(found))[:200], data={"communes": len(found)})
    return len(found)
