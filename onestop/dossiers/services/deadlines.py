"""Deadlines: the periodic sweep, and apology letters with a new appointment (form 04).

The rules (Decree 61/2018/NĐ-CP Art. 19, kept by Decree 118/2025/NĐ-CP; docs/legal-rules.md):

- A dossier that will be late gets a letter of apology with a new appointment, which must
  reach the applicant no later than one working day before the deadline (`APOLOGY_NOTICE_DAYS`,
  the law's figure). The sweep drafts it `ONESTOP_APOLOGY_LEAD_DAYS` working days before the
  legal due moment (the province's choice, default 2) so a leader has time to sign.
- The appointment is moved only once: a second extension is refused.
- A letter signed after its send-by moment is still sent (an apology is owed), but it is
  marked as late, and nothing an apology does changes the legal due moment: a late dossier
  stays late (on time is measured against `Dossier.legal_due_at`).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from onestop.agencies.selectors import has_role
from onestop.core.audit import audit_append
from onestop.core.calendars import calendar_for
from onestop.core.clock import now_or
from onestop.core.errors import InvalidTransition, NotAllowed, ValidationFailed

from ..models import CLOCK_RUNNING_Q, ApologyLetter, Dossier, FormKind
from ._base import appointment_of, lock_dossier, record
from .registers import form_issue
from .signing import apology_signed

# How close to the legal due moment a dossier is "due soon": one working day (issue #2).
DUE_SOON_DAYS = 1
# Decree 61/2018/NĐ-CP Art. 19: the apology reaches the applicant "chậm nhất 01 ngày trước
# ngày hết hạn": one working day before the deadline.
APOLOGY_NOTICE_DAYS = 1


def apology_lead_days() -> Decimal:
    """Working days before the legal due moment at which the sweep drafts the letter."""
    return Decimal(str(settings.ONESTOP_APOLOGY_LEAD_DAYS))


@dataclass(frozen=True)
class SweepResult:
    due_soon: int
    overdue: int
    apologies: int


def legal_due_of(dossier: Dossier) -> datetime.datetime:
    due = dossier.due_at
    if due is None:
        raise InvalidTransition(_("The dossier has not been received yet."))
    return due


def working_days_before(cal: Any, moment: datetime.datetime, days: Decimal | int, *,
                        since: datetime.datetime) -> datetime.datetime:
    """The latest moment that still leaves `days` working days before `moment`.

    Counted from `since` (a moment before it, e.g. the receipt); when less than `days` of
    working time lies between them, `since` itself.
    """
    total = cal.working_seconds_between(since, moment)
    left = total - cal.days_to_seconds(days)
    return since if left <= 0 else cal.add_seconds(since, left)


def apology_send_by(dossier: Dossier) -> datetime.datetime:
    """When the letter must reach the applicant: one working day before the legal due moment."""
    cal = calendar_for(dossier.receiving_agency)
    due = legal_due_of(dossier)
    return working_days_before(cal, due, APOLOGY_NOTICE_DAYS,
                               since=min(dossier.received_at or due, due))


def has_extension(dossier: Dossier) -> bool:
    """The appointment was moved once already (a signed apology)."""
    return dossier.apologies.filter(state=ApologyLetter.State.SIGNED).exists()


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
    """Prepare a draft apology for a dossier at risk; None if none is due.

    None when a draft is already waiting, when the appointment was already moved once (one
    extension only), or when the clock is not running. Safe to run twice at once: the
    partial unique constraint allows one draft per dossier.
    """
    at = now_or(at)
    try:
        with transaction.atomic():
            dossier = lock_dossier(dossier_id=dossier_id, expected_version=None)
            if (not Dossier.objects.filter(CLOCK_RUNNING_Q, pk=dossier.pk).exists()
                    or dossier.appointment_at is None):
                return None
            if has_extension(dossier) or dossier.apologies.filter(
                Q(state=ApologyLetter.State.DRAFT) | Q(old_appointment_at=dossier.appointment_at)
            ).exists():
                return None
            letter = ApologyLetter.objects.create(
                dossier=dossier, prepared_at=at,
                reason=reason or str(_("The dossier needs more time to be processed properly.")),
                old_appointment_at=dossier.appointment_at,
                proposed_appointment_at=_proposed_appointment(dossier, at=at),
                send_by=apology_send_by(dossier),
            )
            audit_append(actor=None, action="apology.prepare", object_type="dossier",
                         object_id=dossier.pk, reason=letter.reason, at=at,
                         data={"letter": letter.pk,
                               "proposed": letter.proposed_appointment_at,
                               "send_by": letter.send_by})
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
    """A leader of the competent agency signs: the new appointment is promised and recorded.

    Only the promised appointment moves; the legal due moment (and so "on time") does not.
    A letter signed after its send-by moment is marked late (`ApologyLetter.in_time`).
    """
    at = now_or(at)
    # The dossier, then its letter (docs/lock-order.md).
    dossier_id = ApologyLetter.objects.values_list("dossier_id", flat=True).get(pk=letter_id)
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=None)
    letter = ApologyLetter.objects.select_for_update().get(pk=letter_id)
    if letter.state != ApologyLetter.State.DRAFT:
        raise InvalidTransition(_("This letter was already signed or dismissed."))
    if not has_role(user=leader, agency_id=dossier.handling_agency_id, role="leader"):
        raise NotAllowed(_("Only a leader of the competent agency can sign an apology."))
    if not Dossier.objects.filter(CLOCK_RUNNING_Q, pk=dossier.pk).exists():
        raise InvalidTransition(_("The dossier is no longer being processed."))
    if has_extension(dossier):
        # Decree 61/2018/NĐ-CP Art. 19: "Việc hẹn lại ngày trả kết quả được thực hiện không
        # quá một lần."
        raise InvalidTransition(_("The appointment was already moved once; the law allows "
                                  "only one new appointment."))
    appointment = new_appointment or letter.proposed_appointment_at
    if appointment <= appointment_of(dossier) or appointment <= at:
        raise ValidationFailed(_("The new appointment must be later than the current one "
                                 "and in the future."))
    if reason:
        letter.reason = reason.strip()
    if letter.send_by is None:
        letter.send_by = apology_send_by(dossier)
    letter.proposed_appointment_at = appointment
    letter.old_appointment_at = appointment_of(dossier)
    letter.state = ApologyLetter.State.SIGNED
    letter.signed_by = leader
    letter.signed_at = at
    letter.save(update_fields=["reason", "proposed_appointment_at", "old_appointment_at",
                               "state", "signed_by", "signed_at", "send_by"])
    last = dossier.steps.filter(finished_at__isnull=True).order_by("-order").first()
    if last is not None and last.due_at < appointment:
        last.due_at = appointment
        last.save(update_fields=["due_at"])
    old = appointment_of(dossier)
    dossier.appointment_at = appointment
    # The flags follow the legal due moment, which an apology does not move: they stay.
    record(dossier=dossier, action="extend", actor=leader, from_status=dossier.status,
           fields=["appointment_at"], at=at,
           reason=letter.reason, data={"letter": letter.pk, "old_appointment": old,
                                       "appointment": appointment,
                                       "legal_due": dossier.legal_due_at,
                                       "send_by": letter.send_by,
                                       "in_time": letter.in_time})
    form_issue(form=FormKind.APOLOGY, agency=dossier.handling_agency, dossier=dossier, at=at,
               object_id=letter.pk)
    # Form 04 signed with the leader's key: a refused signature refuses the letter.
    apology_signed(letter=letter, dossier=dossier, leader=leader, at=at)
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

    Everything is judged against the legal due moment, on dossiers whose clock runs.
    Idempotent and safe on several workers at once: each flag is set by a conditional UPDATE
    (…WHERE flag IS NULL), so only one worker flags a dossier, and drafts are guarded by a
    unique constraint. Running it again changes nothing.
    """
    now = now_or(now)
    running = Dossier.objects.filter(CLOCK_RUNNING_Q, legal_due_at__isnull=False)
    overdue_ids = list(
        running.filter(legal_due_at__lt=now, overdue_flagged_at__isnull=True)
        .values_list("pk", flat=True)
    )
    overdue = 0
    for pk in overdue_ids:
        overdue += Dossier.objects.filter(pk=pk, overdue_flagged_at__isnull=True).update(
            overdue_flagged_at=now
        )
    # "Within N working days" depends on each centre's calendar: bound the candidates by a
    # generous calendar window (a working day never spans more than ~12 calendar days even
    # around Tết), then decide exactly per dossier.
    lead = apology_lead_days()
    widest = max(lead, Decimal(DUE_SOON_DAYS))
    horizon = now + datetime.timedelta(days=14 * max(1, math.ceil(widest)))
    candidates = (
        running.filter(legal_due_at__gte=now, legal_due_at__lte=horizon)
        .select_related("receiving_agency")
        .only("pk", "legal_due_at", "appointment_at", "due_soon_flagged_at",
              "receiving_agency")
    )
    due_soon = 0
    drafts: list[int] = []
    for dossier in candidates:
        cal = calendar_for(dossier.receiving_agency)
        left = cal.working_seconds_between(now, legal_due_of(dossier))
        if dossier.due_soon_flagged_at is None and left <= cal.days_to_seconds(DUE_SOON_DAYS):
            due_soon += Dossier.objects.filter(
                pk=dossier.pk, due_soon_flagged_at__isnull=True
            ).update(due_soon_flagged_at=now)
        if left <= cal.days_to_seconds(lead):
            drafts.append(dossier.pk)
    # A letter is drafted while there is still time to sign and send it before the deadline,
    # and for any overdue dossier (an apology is still owed); once per appointment, so a
    # dismissed draft is not prepared again until the appointment changes, and never after
    # the one extension the law allows.
    already = ApologyLetter.objects.filter(
        Q(state=ApologyLetter.State.SIGNED) | Q(old_appointment_at=OuterRef("appointment_at")),
        dossier=OuterRef("pk"),
    )
    at_risk = running.filter(Q(pk__in=drafts) | Q(legal_due_at__lt=now)).exclude(
        Exists(already))
    apologies = 0
    for pk in at_risk.values_list("pk", flat=True):
        if apology_prepare(dossier_id=pk, at=now) is not None:
            apologies += 1
    return SweepResult(due_soon=due_soon, overdue=overdue, apologies=apologies)
