"""What the back office reads about the national sync."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import CatalogImport, CatalogSource, NationalAgency, NationalField, SyncItem


def failed_syncs() -> QuerySet[SyncItem]:
    """What officers must look at: failed and unmapped rows, oldest first, with the last
    answer kept for each."""
    return (SyncItem.objects.filter(state__in=[SyncItem.State.FAILED, SyncItem.State.UNMAPPED])
            .select_related("dossier").order_by("id"))


def catalog_imports() -> QuerySet[CatalogImport]:
    """The latest catalog imports first, with who ran them."""
    return CatalogImport.objects.select_related("actor").order_by("-started_at", "-id")


def imported_procedures() -> QuerySet[CatalogSource]:
    """Procedures imported from the national catalog, with the draft made last."""
    return (CatalogSource.objects.select_related("procedure", "version")
            .order_by("procedure__code"))


def national_lists() -> dict[str, int]:
    """How many national agencies and fields are held, and how many are linked."""
    return {
        "agencies": NationalAgency.objects.count(),
        "agencies_linked": NationalAgency.objects.filter(agency__isnull=False).count(),
        "fields": NationalField.objects.count(),
    }


@dataclass(frozen=True)
class PortalSync:
    """The scorecard's "synchronised to the national portal" figures for a scope and period.

    due: dossiers with a change in the period that must reach the portal (a status mapped to
    no code on purpose is not due); synced: those whose every such change was accepted;
    unmapped: those held back because a status or procedure has no national code (reported,
    and counted as not synced)."""

    synced: int = 0
    due: int = 0
    unmapped: int = 0


def portal_sync(*, unit_id: int | None, start: datetime.datetime,
                end: datetime.datetime) -> PortalSync:
    """PortalSync for the outbox rows written in [start, end) of dossiers a unit handles or
    receives (None: the whole city). Pending rows count as not synced yet."""
    items = SyncItem.objects.filter(created_at__gte=start, created_at__lt=end).exclude(
        state=SyncItem.State.SKIPPED)
    if unit_id is not None:
        items = items.filter(Q(dossier__handling_agency_id=unit_id)
                             | Q(dossier__receiving_agency_id=unit_id))

    def dossiers(qs: QuerySet[SyncItem]) -> int:
        return qs.order_by().values("dossier_id").distinct().count()

    due = dossiers(items)
    if not due:
        return PortalSync()
    not_synced = dossiers(items.exclude(state=SyncItem.State.SENT))
    return PortalSync(synced=due - not_synced, due=due,
                      unmapped=dossiers(items.filter(state=SyncItem.State.UNMAPPED)))
