"""{% dossier_deliveries dossier %}: the notifications sent about a dossier, for staff pages."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import deliveries_of_dossier, unread_count

register = template.Library()


@register.inclusion_tag("notifications/_deliveries.html")
def dossier_deliveries(dossier: Any) -> dict[str, Any]:
    return {"deliveries": list(deliveries_of_dossier(dossier_id=dossier.pk)[:50])}


@register.simple_tag(takes_context=True)
def unread_notification_count(context: Any) -> int:
    """Unread in-app notices of the signed-in user (0 for visitors): one COUNT query."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user=user)
