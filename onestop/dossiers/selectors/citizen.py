"""A citizen's own dossiers, for the portal's pages and the city app's API alike.

Scope: onestop.dossiers.scopes.citizen_scope (the dossiers whose applicant account is
theirs). Anything else is NotFound, the same answer as a dossier that does not exist, so
numbers cannot be probed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import NotFound
from onestop.core.models import AuditEvent

from ..models import Dossier, DossierDocument, DossierStep, FilingDraft, Status, SupplementRequest
from ..scopes import citizen_dossiers
from .timeline import action_label, status_label

# Audit events whose reason is addressed to the applicant; hand-over notes and the like are
# internal and never shown.
REASON_FOR_CITIZEN = ("dossier.refuse", "dossier.request_supplement", "dossier.stop",
                      "dossier.withdraw", "dossier.extend")


def my_filing_drafts(*, user: Any) -> QuerySet[FilingDraft]:
    """The citizen's saved drafts, last saved first (their own account only)."""
    if not getattr(user, "pk", None):
        return FilingDraft.objects.none()
    return FilingDraft.objects.filter(owner=user).select_related("procedure")


def my_dossiers(*, user: Any) -> QuerySet[Dossier]:
    """The citizen's dossiers, newest first, with what the list shows (one query a page)."""
    return (
        citizen_dossiers(user=user)
        .select_related("procedure_version__procedure", "current_step")
        # A correlated count, not a join: the database counts the steps of the page's rows
        # only, where GROUP BY over the join counted every dossier of the citizen first.
        .annotate(step_total=Coalesce(Subquery(
            DossierStep.objects.filter(dossier=OuterRef("pk")).order_by().values("dossier")
            .annotate(n=Count("pk")).values("n")), 0))
        .only(
            "id", "code", "status", "submitted_at", "appointment_at", "returned_at",
            "procedure_version__id", "procedure_version__name",
            "procedure_version__procedure__id", "procedure_version__procedure__code",
            "current_step__id", "current_step__order", "current_step__name",
        )
        .order_by("-submitted_at", "-id")
    )


def my_dossier(*, user: Any, pk: int) -> Dossier:
    """One of the citizen's dossiers with its documents and supplements, or 404."""
    try:
        return (
            citizen_dossiers(user=user)
            .select_related("procedure_version__procedure", "receiving_agency",
                            "handling_agency", "current_step")
            .prefetch_related(
                "steps",
                # Draft results are the staff's work in progress, never the applicant's.
                Prefetch("documents", queryset=DossierDocument.objects.select_related(
                    "required_document").exclude(kind=DossierDocument.Kind.DRAFT_RESULT)
                    .order_by("uploaded_at", "id")),
                Prefetch("supplements",
                         queryset=SupplementRequest.objects.order_by("requested_at", "id")),
            )
            .get(pk=pk)
        )
    except Dossier.DoesNotExist as exc:
        raise NotFound(_("No dossier of yours has this number.")) from exc


def my_document(*, user: Any, dossier_pk: int, doc_pk: int) -> DossierDocument:
    """A file of one of the citizen's dossiers; the result only once it is returned."""
    try:
        doc = DossierDocument.objects.select_related("dossier").get(
            pk=doc_pk, dossier_id=dossier_pk, dossier__in=citizen_dossiers(user=user))
    except DossierDocument.DoesNotExist as exc:
        raise NotFound(_("No such document.")) from exc
    if doc.kind == DossierDocument.Kind.DRAFT_RESULT:
        raise NotFound(_("No such document."))
    if not doc.file:
        raise NotFound(_("This document was handed in on paper."))
    if doc.kind == DossierDocument.Kind.RESULT and doc.dossier.status != Status.RETURNED:
        raise NotFound(_("The result is not returned yet."))
    return doc


@dataclass(frozen=True)
class CitizenEvent:
    at: datetime.datetime
    label: str
    status: str = ""
    reason: str = ""


def citizen_timeline(*, dossier: Dossier) -> list[CitizenEvent]:
    """Status changes (and a signed extension) with times; no staff names, and reasons only
    where they are addressed to the applicant."""
    events = AuditEvent.objects.filter(
        object_type="dossier", object_id=str(dossier.pk)
    ).order_by("seq").only("seq", "at", "action", "from_state", "to_state", "reason")
    return [
        CitizenEvent(at=e.at, label=action_label(e.action), status=status_label(e.to_state),
                     reason=e.reason if e.action in REASON_FOR_CITIZEN else "")
        for e in events
        if e.from_state != e.to_state or e.action == "dossier.extend"
    ]


def open_supplement(dossier: Dossier) -> SupplementRequest | None:
    """The unanswered supplement request (from the prefetched list)."""
    return next((s for s in dossier.supplements.all() if s.resolved_at is None), None)
