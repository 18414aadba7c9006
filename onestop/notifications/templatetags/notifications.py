"""{% dossier_deliveries dossier %}: the notifications sent about a dossier, for staff pages."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import deliveries_of_dossier

register = template.Library()


@register.inclusion_tag("notifications/_deliveries.html")
def dossier_deliveries(dossier: Any) -> dict[str, Any]:
    return {"deliveries": list(deliveries_of_dossier(dossier_id=dossier.pk)[:50])}
