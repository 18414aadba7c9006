"""Read queries for the feed, preferences and the staff view of deliveries."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Delivery, Notification


def notifications_for(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-id")


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def deliveries_of_dossier(*, dossier_id: int) -> QuerySet[Delivery]:
    """What was sent about one dossier, newest first (staff see state, attempts, last error)."""
    return Delivery.objects.filter(dossier_id=dossier_id).only(
        "id", "event", "channel", "recipient", "state", "attempts", "last_error", "created_at",
        "sent_at", "next_attempt_at",
    ).order_by("-created_at", "-id")
