"""What the back office reads about the national sync."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import SyncItem


def failed_syncs() -> QuerySet[SyncItem]:
    """What officers must look at: failed and unmapped rows, oldest first, with the last
    answer kept for each."""
    return (SyncItem.objects.filter(state__in=[SyncItem.State.FAILED, SyncItem.State.UNMAPPED])
            .select_related("dossier").order_by("id"))
