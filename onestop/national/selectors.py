"""What the back office reads about the national sync."""

from __future__ import annotations

from django.db.models import QuerySet

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
