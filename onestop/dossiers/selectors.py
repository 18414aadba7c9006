"""Read queries the staff pages and the public lookup need.

Every list query here runs a constant number of SQL statements whatever the number of rows
(select_related / prefetch_related, never a per-row query); the back-office tests assert it.
Scope rule: staff see the dossiers of the agencies they belong to, handled or received there
(onestop.agencies.selectors.dossier_scope).
"""

from __future__ import annotations

import datetime
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Role
from onestop.agencies.selectors import agencies_with_role, dossier_scope, has_role, roles_of
from onestop.core.calendars import calendar_for
from onestop.core.models import AuditEvent

from .models import (
    CLOCK_RUNNING,
    OPEN,
    ApologyLetter,
    Dossier,
    DossierDocument,
    DossierStep,
    Status,
    SupplementRequest,
)
from .services._base import may as _may
from .services.deadlines import DUE_SOON_DAYS
from .transitions import ACTION_LABELS, Action, target_status


class QueueTab(StrEnum):
    MINE = "mine"
    AGENCY = "agency"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


QUEUE_TAB_LABELS = {
    QueueTab.MINE: _("Mine"),
    QueueTab.AGENCY: _("My agency"),
    QueueTab.DUE_SOON: _("Due soon"),
    QueueTab.OVERDUE: _("Overdue"),
}

# Statuses an officer acts on at the counter: receive (1), take supplements (5), return (9).
COUNTER_WORK = (Status.SUBMITTED, Status.SUPPLEMENT, Status.RESULT_READY)


@dataclass(frozen=True)
class QueueFilters:
    status: int | None = None
    procedure_id: int | None = None
    channel: int | None = None
    text: str = ""


def due_soon_until(*, now: datetime.datetime) -> datetime.datetime:
    """The moment one working day from now, on the default office hours.

    Centres may keep other hours; the deadline sweep decides per centre and sets
    `due_soon_flagged_at`, which the queue also honours, so this only fills the gap
    between two sweeps.
    """
    cal = calendar_for(None)
    return cal.add_seconds(now, cal.days_to_seconds(DUE_SOON_DAYS))


def _overdue_q(now: datetime.datetime) -> Q:
    """Work that is late: the clock ran past the appointment, or the result was ready late and
    still waits to be returned. Late dossiers already returned are history, not work: the
    scorecard counts them."""
    running_late = Q(status__in=CLOCK_RUNNING, appointment_at__lt=now)
    ready_late = Q(status=Status.RESULT_READY, finished_at__gt=F("appointment_at"))
    return running_late | ready_late


def _due_soon_q(now: datetime.datetime) -> Q:
    return Q(status__in=CLOCK_RUNNING, appointment_at__gte=now) & (
        Q(due_soon_flagged_at__isnull=False) | Q(appointment_at__lte=due_soon_until(now=now))
    )


def _mine_q(user: Any) -> Q:
    """Current step assigned to me, or unassigned and mine by agency and role; plus counter work.

    Reads the current step's agency, role and assignee copied onto the dossier, so every
    branch of the OR is served by a partial index on open dossiers.
    """
    q = Q(current_assignee_id=user.pk)
    for agency_id, roles in roles_of(user=user).items():
        q |= Q(current_assignee__isnull=True, current_agency_id=agency_id,
               current_role__in=sorted(roles))
    centres = agencies_with_role(user=user, role=Role.OFFICER)
    if centres:
        q |= Q(receiving_agency_id__in=centres, status__in=COUNTER_WORK)
    return q


def _search_q(text: str) -> Q:
    return Q(code__icontains=text) | Q(applicant_name__icontains=text)


def dossier_queue_for(
    *, user: Any, tab: QueueTab | str = QueueTab.MINE, filters: QueueFilters | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Dossier]:
    """The rows of one work-queue tab, in scope for `user`, soonest appointment first."""
    now = now or timezone.now()
    filters = filters or QueueFilters()
    qs = Dossier.objects.filter(dossier_scope(user=user))
    if filters.status is None:
        # A work queue shows open dossiers; finished ones are found by filtering on a status.
        qs = qs.filter(status__in=OPEN)
    tab = QueueTab(tab)
    if tab == QueueTab.MINE:
        qs = qs.filter(_mine_q(user))
    elif tab == QueueTab.DUE_SOON:
        qs = qs.filter(_due_soon_q(now))
    elif tab == QueueTab.OVERDUE:
        qs = qs.filter(_overdue_q(now))
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    if filters.procedure_id is not None:
        qs = qs.filter(procedure_version__procedure_id=filters.procedure_id)
    if filters.channel is not None:
        qs = qs.filter(channel=filters.channel)
    if filters.text.strip():
        qs = qs.filter(_search_q(filters.text.strip()))
    return (
        qs.select_related("procedure_version__procedure", "current_step__agency",
                          "current_step__assignee")
        .only(
            "id", "code", "status", "channel", "version", "applicant_name", "submitted_at",
            "received_at", "appointment_at", "finished_at", "due_soon_flagged_at",
            "receiving_agency_id", "handling_agency_id",
            "procedure_version__id", "procedure_version__name", "procedure_version__number",
            "procedure_version__procedure__id", "procedure_version__procedure__code",
            "current_step__id", "current_step__name", "current_step__role",
            "current_step__due_at", "current_step__agency_id", "current_step__assignee_id",
            "current_step__agency__id", "current_step__agency__name",
            "current_step__assignee__id", "current_step__assignee__username",
            "current_step__assignee__full_name",
        )
        .order_by(F("appointment_at").asc(nulls_last=True), "-submitted_at", "-id")
    )


def deadline_state(
    dossier: Dossier, *, now: datetime.datetime, soon_until: datetime.datetime
) -> str | None:
    """'overdue', 'due_soon' or None: the badge shown beside the appointment."""
    if dossier.appointment_at is None:
        return None
    if dossier.is_overdue(now):
        return "overdue"
    if dossier.status in CLOCK_RUNNING and now <= dossier.appointment_at and (
        dossier.due_soon_flagged_at is not None or dossier.appointment_at <= soon_until
    ):
        return "due_soon"
    return None


def dossier_detail_for(*, user: Any, pk: int) -> Dossier:
    """One dossier with everything its page shows, or 404 outside the user's scope."""
    qs = (
        Dossier.objects.filter(dossier_scope(user=user))
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
        raise Http404("No dossier in your scope has this number.") from exc


def dossier_in_scope(*, user: Any, pk: int) -> Dossier:
    """The bare dossier row (for PDF forms and actions), 404 outside the user's scope."""
    try:
        return Dossier.objects.filter(dossier_scope(user=user)).select_related(
            "procedure_version__procedure", "receiving_agency", "handling_agency",
            "current_step",
        ).get(pk=pk)
    except Dossier.DoesNotExist as exc:
        raise Http404("No dossier in your scope has this number.") from exc


# ---- what the user may do now -------------------------------------------------------------

def may(*, action: Action | str, dossier: Dossier, user: Any) -> bool:
    """Whether `user`'s roles allow `action` on `dossier` (the permissions table only)."""
    return _may(action=Action(action), dossier=dossier, user=user)


def available_actions(*, user: Any, dossier: Dossier) -> set[str]:
    """The actions to offer on the dossier page right now: the move is allowed from the
    current status and the user's role may make it. The services check again on POST.

    Besides the transitions table: 'assign' (a leader of the current step's agency) and
    'apology_sign' / 'apology_dismiss' (a leader of the competent agency, draft waiting).
    Expects `dossier` from dossier_detail_for (steps and apologies prefetched): no queries.
    """
    offered: set[str] = set()
    for action in (
        Action.RECEIVE, Action.REFUSE, Action.HAND_OVER, Action.APPROVE,
        Action.REQUEST_SUPPLEMENT, Action.SUPPLEMENT_RECEIVED, Action.REQUEST_PAYMENT,
        Action.PAYMENT_RECEIVED, Action.WITHDRAW, Action.STOP, Action.RETURN_RESULT,
    ):
        if target_status(action, dossier.status) is not None and may(
            action=action, dossier=dossier, user=user
        ):
            offered.add(str(action))
    step = dossier.current_step
    if step is not None:
        is_last = not any(s.order > step.order for s in dossier.steps.all())
        # The last step ends in approval, the others in a hand-over (services insist too).
        offered.discard(Action.HAND_OVER if is_last else Action.APPROVE)
        if not dossier.is_finished and has_role(user=user, agency_id=step.agency_id,
                                                role=Role.LEADER):
            offered.add("assign")
    else:
        offered.discard(Action.HAND_OVER)
        offered.discard(Action.APPROVE)
    if has_role(user=user, agency_id=dossier.handling_agency_id, role=Role.LEADER) and any(
        a.state == ApologyLetter.State.DRAFT for a in dossier.apologies.all()
    ) and dossier.status in CLOCK_RUNNING:
        offered.update({"apology_sign", "apology_dismiss"})
    return offered


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
            Q(pk=pk) & Q(dossier__in=Dossier.objects.filter(dossier_scope(user=user)))
        )
    except ApologyLetter.DoesNotExist as exc:
        raise Http404("No apology letter in your scope has this number.") from exc


# ---- the audit trail as a timeline --------------------------------------------------------

EXTRA_LABELS = {
    "dossier.assign": _("Assigned"),
    "dossier.extend": _("Processing time extended (apology signed)"),
    "apology.prepare": _("Apology letter drafted"),
    "apology.dismiss": _("Apology letter dismissed"),
}


def action_label(action: str) -> str:
    """A human label for an audit action name such as 'dossier.hand_over'."""
    if action in EXTRA_LABELS:
        return str(EXTRA_LABELS[action])
    name = action.split(".", 1)[-1]
    try:
        return str(ACTION_LABELS[Action(name)])
    except ValueError:
        return name.replace("_", " ")


def status_label(code: str) -> str:
    if not code:
        return ""
    try:
        return str(Status(int(code)).label)
    except ValueError:
        return code


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    label: str
    actor: str = ""
    from_status: str = ""
    to_status: str = ""
    reason: str = ""
    changes_status: bool = False


def _events(dossier_id: int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type="dossier", object_id=str(dossier_id)).order_by(
        "seq"
    ).only("seq", "at", "actor_id", "actor_label", "action", "from_state", "to_state", "reason")


def _actor_label(event: AuditEvent) -> str:
    # core.audit stores the untranslated word "system" when no person acted (the deadline
    # sweep); the stored label is hashed into the chain, so translate it only for display.
    if event.actor_id is None and event.actor_label == "system":
        return str(_("system"))
    return event.actor_label


def dossier_timeline(*, dossier: Dossier) -> list[TimelineEntry]:
    """Every audited event of the dossier, oldest first (staff view: who, why)."""
    return [
        TimelineEntry(
            at=e.at, label=action_label(e.action), actor=_actor_label(e),
            from_status=status_label(e.from_state), to_status=status_label(e.to_state),
            reason=e.reason, changes_status=e.from_state != e.to_state,
        )
        for e in _events(dossier.pk)
    ]


# ---- public status lookup -----------------------------------------------------------------

# Events a citizen sees: status changes and a signed extension. Labels and times only; never
# a name or a reason, which may hold personal data.
PUBLIC_EXTRA = ("dossier.extend",)
_NON_DIGIT = re.compile(r"\D")


@dataclass(frozen=True)
class PublicStatus:
    code: str
    procedure_name: str
    status: str
    status_code: int
    received_at: datetime.datetime | None
    appointment_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    timeline: list[TimelineEntry] = field(default_factory=list)


def _last4(value: str) -> str:
    digits = _NON_DIGIT.sub("", value or "")
    return digits[-4:] if len(digits) >= 4 else ""


def _factor_matches(factor: str, candidates: Iterable[str]) -> bool:
    ok = False
    for candidate in candidates:
        last = _last4(candidate)
        # Compare every candidate, in constant time, so timing says nothing about which.
        ok |= bool(last) and hmac.compare_digest(last, factor)
    return ok


def public_status_lookup(*, code: str, factor: str) -> PublicStatus | None:
    """The public status of a dossier for someone who knows its code and the last four digits
    of the applicant's phone or CCCD; None when either does not match (the caller must answer
    both cases the same way, so a code cannot be probed)."""
    code = (code or "").strip().upper()
    factor = (factor or "").strip()
    if not code or not re.fullmatch(r"\d{4}", factor):
        return None
    dossier = (
        Dossier.objects.filter(code=code)
        .select_related("procedure_version")
        .only("id", "code", "status", "received_at", "appointment_at", "returned_at",
              "applicant_phone", "applicant_id_number", "procedure_version__id",
              "procedure_version__name")
        .first()
    )
    if dossier is None or not _factor_matches(
        factor, (dossier.applicant_phone, dossier.applicant_id_number)
    ):
        return None
    timeline = [
        TimelineEntry(at=e.at, label=action_label(e.action),
                      to_status=status_label(e.to_state))
        for e in _events(dossier.pk)
        if e.from_state != e.to_state or e.action in PUBLIC_EXTRA
    ]
    return PublicStatus(
        code=dossier.code or "", procedure_name=dossier.procedure_version.name,
        status=dossier.get_status_display(), status_code=dossier.status,
        received_at=dossier.received_at, appointment_at=dossier.appointment_at,
        returned_at=dossier.returned_at, timeline=timeline,
    )


def procedure_filter_choices() -> list[tuple[int, str]]:
    """(procedure id, "code – name") of the procedures in force, for the queue filter."""
    from onestop.catalog.selectors import versions_in_force

    seen: dict[int, str] = {}
    for procedure_id, code, name in versions_in_force().order_by(
        "procedure__code", "-number"
    ).values_list("procedure_id", "procedure__code", "name"):
        seen.setdefault(procedure_id, f"{code} – {name}")
    return list(seen.items())
