"""Deadlines: the periodic sweep, and apology letters with a new appointment (form 04)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from onestop.agencies.selectors import has_role
from onestop.core.audit import audit_append
from onestop.core.calendars import calendar_for
from onestop.core.clock import now_or
from onestop.core.errors import InvalidTransition, NotAllowed, ValidationFailed

from ..models import CLOCK_RUNNING, ApologyLetter, Dossier
from ._base import appointment_of, lock_dossier, record

# How close to the appointment a dossier is "due soon": one working day (issue #2).
DUE_SOON_DAYS = 1


@dataclass(frozen=True)
class SweepResult:
    due_soon: int
    overdue: int
    apologies: int


def _proposed_appointment(dossier: Dossier, *, at: datetime.datetime) -> datetime.datetime:
    """The time still needed if every open step took its full allotment from now on.

    At least one working day past the current appointment, so an extension is never empty.
    """
    cal = calendar_for(dossier.receiving_agency)
    remaining = sum(s.allotted_seconds for s in dossier.steps.filter(finished_at__isnull=True))
    start = max(at, appointment_of(dossier))
    return cal.add_seconds(start, max(remaining, cal.days_to_seconds(1)))


def apology_prepare(*, dossier_id: int, at: datetime.datetime | None = None,
                    reason: str = "") -> ApologyLetter | None:
    """Prepare a draft apology for a dossier at risk; None if one is already waiting.

    Safe to run twice at once: the partial unique constraint allows one draft per dossier.
    """
    at = now_or(at)
    try:
        with transaction.atomic():
            dossier = lock_dossier(dossier_id=dossier_id, expected_version=None)
            if dossier.status not in CLOCK_RUNNING or dossier.appointment_at is None:
                return None
            if dossier.apologies.filter(
                Q(state=ApologyLetter.State.DRAFT) | Q(old_appointment_at=dossier.appointment_at)
            ).exists():
                return None
            letter = ApologyLetter.objects.create(
                dossier=dossier, prepared_at=at,
                reason=reason or str(_("The dossier needs more time to be processed properly.")),
                old_appointment_at=dossier.appointment_at,
                proposed_appointment_at=_proposed_appointment(dossier, at=at),
            )
            audit_append(actor=None, action="apology.prepare", object_type="dossier",
                         object_id=dossier.pk, reason=letter.reason, at=at,
                         data={"letter": letter.pk,
                               "proposed": letter.proposed_appointment_at})
            # The leaders who may sign are told in this transaction (outbox).
            from onestop.notifications.services import notify_apology_to_sign

            notify_apology_to_sign(letter=letter, at=at)
            return letter
    except IntegrityError:
        return None


@transaction.atomic
def apology_sign(
    *, letter_id: int, leader: Any, reason: str | None = None,
    new_appointment: datetime.datetime | None = None, at: datetime.datetime | None = None,
) -> ApologyLetter:
    """A leader of the competent agency signs: the new appointment takes effect and is recorded."""
    at = now_or(at)
    letter = ApologyLetter.objects.select_for_update().get(pk=letter_id)
    dossier = lock_dossier(dossier_id=letter.dossier_id, expected_version=None)
    if letter.state != ApologyLetter.State.DRAFT:
        raise InvalidTransition(_("This letter was already signed or dismissed."))
    if not has_role(user=leader, agency_id=dossier.handling_agency_id, role="leader"):
        raise NotAllowed(_("Only a leader of the competent agency can sign an apology."))
    if dossier.status not in CLOCK_RUNNING:
        raise InvalidTransition(_("The dossier is no longer being processed."))
    appointment = new_appointment or letter.proposed_appointment_at
    if appointment <= appointment_of(dossier):
        raise ValidationFailed(_("The new appointment must be later than the current one."))
    if reason:
        letter.reason = reason.strip()
    letter.proposed_appointment_at = appointment
    letter.old_appointment_at = appointment_of(dossier)
    letter.state = ApologyLetter.State.SIGNED
    letter.signed_by = leader
    letter.signed_at = at
    letter.save(update_fields=["reason", "proposed_appointment_at", "old_appointment_at",
                               "state", "signed_by", "signed_at"])
    last = dossier.steps.filter(finished_at__isnull=True).order_by("-order").first()
    if last is not None and last.due_at < appointment:
        last.due_at = appointment
        last.save(update_fields=["due_at"])
    old = appointment_of(dossier)
    dossier.appointment_at = appointment
    dossier.due_soon_flagged_at = None
    dossier.overdue_flagged_at = None
    record(dossier=dossier, action="extend", actor=leader, from_status=dossier.status,
           fields=["appointment_at", "due_soon_flagged_at", "overdue_flagged_at"], at=at,
           reason=letter.reason, data={"letter": letter.pk, "old_appointment": old,
                                       "appointment": appointment})
    return letter


@transaction.atomic
def apology_dismiss(*, letter_id: int, leader: Any, reason: str = "",
                    at: datetime.datetime | None = None) -> ApologyLetter:
    """A leader decides no extension is needed (the dossier will make it)."""
    at = now_or(at)
    letter = ApologyLetter.objects.select_for_update().select_related("dossier").get(pk=letter_id)
    if letter.state != ApologyLetter.State.DRAFT:
        raise InvalidTransition(_("This letter was already signed or dismissed."))
    if not has_role(user=leader, agency_id=letter.dossier.handling_agency_id, role="leader"):
        raise NotAllowed(_("Only a leader of the competent agency can dismiss an apology."))
    letter.state = ApologyLetter.State.DISMISSED
    letter.save(update_fields=["state"])
    audit_append(actor=leader, action="apology.dismiss", object_type="dossier",
                 object_id=letter.dossier_id, reason=reason, at=at, data={"letter": letter.pk})
    return letter


def deadline_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Flag dossiers due within one working day and overdue ones; prepare apology drafts.

    Idempotent and safe on several workers at once: each flag is set by a conditional UPDATE
    (…WHERE flag IS NULL), so only one worker flags a dossier, and drafts are guarded by a
    unique constraint. Running it again changes nothing.
    """
    now = now_or(now)
    running = Dossier.objects.filter(status__in=CLOCK_RUNNING, appointment_at__isnull=False)
    overdue_ids = list(
        running.filter(appointment_at__lt=now, overdue_flagged_at__isnull=True)
        .values_list("pk", flat=True)
    )
    overdue = 0
    for pk in overdue_ids:
        overdue += Dossier.objects.filter(pk=pk, overdue_flagged_at__isnull=True).update(
            overdue_flagged_at=now
        )
    # "Within one working day" depends on each centre's calendar: bound the candidates by a
    # generous calendar window (a working day never spans more than ~12 calendar days even
    # around Tết), then decide exactly per dossier.
    horizon = now + datetime.timedelta(days=14)
    candidates = (
        running.filter(appointment_at__gte=now, appointment_at__lte=horizon,
                       due_soon_flagged_at__isnull=True)
        .select_related("receiving_agency")
        .only("pk", "appointment_at", "receiving_agency")
    )
    due_soon = 0
    for dossier in candidates:
        cal = calendar_for(dossier.receiving_agency)
        if cal.working_seconds_between(now, appointment_of(dossier)) <= cal.days_to_seconds(
            DUE_SOON_DAYS
        ):
            due_soon += Dossier.objects.filter(
                pk=dossier.pk, due_soon_flagged_at__isnull=True
            ).update(due_soon_flagged_at=now)
    # An apology is prepared while there is still time to send it before the deadline
    # (docs/domain.md §6), and for any overdue dossier; once per appointment, so a dismissed draft
    # is not prepared again until the appointment changes.
    apologies = 0
    already = ApologyLetter.objects.filter(
        dossier=OuterRef("pk"), old_appointment_at=OuterRef("appointment_at")
    )
    at_risk = running.filter(
        Q(due_soon_flagged_at__isnull=False) | Q(overdue_flagged_at__isnull=False)
    ).exclude(Exists(already))
    for pk in at_risk.values_list("pk", flat=True):
        if apology_prepare(dossier_id=pk, at=now) is not None:
            apologies += 1
    return SweepResult(due_soon=due_soon, overdue=overdue, apologies=apologies)
