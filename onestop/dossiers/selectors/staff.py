"""One dossier as staff see it: its page, the bare row for an action, the people who may take
the next step, and apology letters waiting for a signature. Outside the user's scope
(onestop.dossiers.scopes) everything is NotFound."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Role
from onestop.agencies.selectors import agencies_with_role, is_staff_member
from onestop.core.errors import NotFound

from ..models import ApologyLetter, Dossier, DossierDocument, DossierStep, SupplementRequest
from ..scopes import staff_dossiers


def _not_in_scope(*, user: Any, pk: int) -> NotFound:
    """The 404 for a dossier outside the user's scope.

    Staff are told which units do handle it, so an officer who opened a dossier received at
    another counter knows whom to ask; anyone else gets the bare "no such dossier".
    """
    if is_staff_member(user=user):
        found = (Dossier.objects.filter(pk=pk)
                 .values_list("code", "handling_agency__name", "receiving_agency__name")
                 .first())
        if found is not None:
            code, handling, receiving = found
            return NotFound(_(
                "Dossier %(code)s is handled by %(handling)s and was received at "
                "%(receiving)s; your agencies have no role on it. Ask their staff, or your "
                "administrator for a role there."),
                code=code or f"#{pk}", handling=handling or "", receiving=receiving or "")
    return NotFound(_("No dossier in your scope has this number."))


def dossier_detail_for(*, user: Any, pk: int) -> Dossier:
    """One dossier with everything its page shows, or 404 outside the user's scope."""
    qs = (
        staff_dossiers(user=user)
        .select_related(
            "procedure_version__procedure", "procedure_version__field", "receiving_agency",
            "handling_agency", "current_step__agency", "current_step__assignee", "filed_by",
        )
        .prefetch_related(
            Prefetch("steps", queryset=DossierStep.objects.select_related(
                "agency", "assignee", "finished_by").order_by("order")),
            Prefetch("documents", queryset=DossierDocument.objects.select_related(
                "required_document").order_by("uploaded_at", "id")),
            Prefetch("supplements", queryset=SupplementRequest.objects.select_related(
                "requested_by", "resolved_by").order_by("requested_at", "id")),
            Prefetch("apologies", queryset=ApologyLetter.objects.select_related(
                "signed_by").order_by("prepared_at", "id")),
        )
    )
    try:
        return qs.get(pk=pk)
    except Dossier.DoesNotExist as exc:
        raise _not_in_scope(user=user, pk=pk) from exc


def dossier_summary_for(*, user: Any, pk: int) -> Dossier:
    """One dossier with what the staff API's answer shows (its fields, the current step, and
    the steps and apology letters `available_actions` reads), or 404 outside the user's
    scope: three queries, where the page's dossier_detail_for runs six."""
    qs = (
        staff_dossiers(user=user)
        .select_related("procedure_version", "current_step")
        .prefetch_related(
            Prefetch("steps", queryset=DossierStep.objects.only("id", "dossier_id", "order")),
            Prefetch("apologies", queryset=ApologyLetter.objects.only("id", "dossier_id",
                                                                      "state")),
        )
    )
    try:
        return qs.get(pk=pk)
    except Dossier.DoesNotExist as exc:
        raise _not_in_scope(user=user, pk=pk) from exc


def dossier_scope_check(*, user: Any, pk: int) -> None:
    """404 unless the dossier is in the user's scope: one indexed query, nothing loaded (the
    staff API checks this before an action; the service locks and loads the row itself)."""
    if not staff_dossiers(user=user).filter(pk=pk).exists():
        raise _not_in_scope(user=user, pk=pk)


def dossier_in_scope(*, user: Any, pk: int) -> Dossier:
    """The bare dossier row (for PDF forms and actions), 404 outside the user's scope."""
    try:
        return staff_dossiers(user=user).select_related(
            "procedure_version__procedure", "receiving_agency", "handling_agency",
            "current_step",
        ).get(pk=pk)
    except Dossier.DoesNotExist as exc:
        raise _not_in_scope(user=user, pk=pk) from exc


def next_step_of(dossier: Dossier) -> DossierStep | None:
    """The step after the current one (from the prefetched steps)."""
    step = dossier.current_step
    if step is None:
        return None
    later = [s for s in dossier.steps.all() if s.order > step.order]
    return min(later, key=lambda s: s.order) if later else None


def staff_for_step(*, agency_id: int, role: str) -> QuerySet[Any]:
    """Staff who may do a step: active members of its agency with its role."""
    return (
        get_user_model().objects.filter(
            is_active=True, memberships__agency_id=agency_id, memberships__role=role,
            memberships__agency__is_active=True,
        )
        .distinct()
        .order_by("full_name", "username")
    )


def apology_drafts_for(*, user: Any) -> QuerySet[ApologyLetter]:
    """Draft apology letters waiting for a signature from one of the user's agencies."""
    agencies = agencies_with_role(user=user, role=Role.LEADER)
    return (
        ApologyLetter.objects.filter(state=ApologyLetter.State.DRAFT,
                                     dossier__handling_agency_id__in=agencies)
        .select_related("dossier__procedure_version", "dossier__handling_agency")
        .order_by("old_appointment_at", "id")
    )


def apology_letter_for(*, user: Any, pk: int) -> ApologyLetter:
    """One letter whose dossier is in the user's scope, or 404."""
    try:
        return ApologyLetter.objects.select_related("dossier").get(
            pk=pk, dossier__in=staff_dossiers(user=user)
        )
    except ApologyLetter.DoesNotExist as exc:
        raise NotFound(_("No apology letter in your scope has this number.")) from exc
