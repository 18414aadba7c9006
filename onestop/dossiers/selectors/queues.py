"""The work queues: which open dossiers are whose work, and the deadline badge beside each.

Every list query runs a constant number of SQL statements whatever the number of rows
(select_related, never a per-row query); the back-office tests assert it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Role
from onestop.agencies.selectors import agencies_with_role, roles_of
from onestop.core.badges import Badge, deadline_badge
from onestop.core.calendars import calendar_for

from ..models import CLOCK_RUNNING, CLOCK_RUNNING_Q, OPEN, Dossier, Status
from ..scopes import staff_dossiers
from ..services.deadlines import DUE_SOON_DAYS


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
    return calendar_for(None).due(now, DUE_SOON_DAYS)


def _overdue_q(now: datetime.datetime) -> Q:
    """Work that is late: the clock ran past the legal due moment, or the result was ready late
    and still waits to be returned. Late dossiers already returned are history, not work: the
    scorecard counts them. An apology's new appointment does not make a dossier less late."""
    running_late = CLOCK_RUNNING_Q & Q(legal_due_at__lt=now)
    ready_late = Q(status=Status.RESULT_READY, finished_at__gt=F("legal_due_at"))
    return running_late | ready_late


def _due_soon_q(now: datetime.datetime) -> Q:
    return CLOCK_RUNNING_Q & Q(legal_due_at__gte=now) & (
        Q(due_soon_flagged_at__isnull=False) | Q(legal_due_at__lte=due_soon_until(now=now))
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
    """By code, applicant name, or a business's enterprise (tax) code, with or without the
    branch suffix."""
    q = Q(code__icontains=text) | Q(applicant_name__icontains=text)
    compact = text.replace(" ", "")
    if compact.replace("-", "").isdigit() and len(compact) >= 4:
        q |= Q(applicant_tax_code__startswith=compact)
    return q


def dossier_queue_for(
    *, user: Any, tab: QueueTab | str = QueueTab.MINE, filters: QueueFilters | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Dossier]:
    """The rows of one work-queue tab, in scope for `user`, soonest appointment first."""
    now = now or timezone.now()
    filters = filters or QueueFilters()
    qs = staff_dossiers(user=user)
    if filters.status is None:
        # A work queue shows open dossiers; finished ones are found by filtering on a status.
        qs = qs.filter(status__in=OPEN)
    tab = QueueTab(tab)
    order: list[Any] = [F("appointment_at").asc(nulls_last=True), "-submitted_at", "-id"]
    if tab == QueueTab.MINE:
        qs = qs.filter(_mine_q(user))
        if filters.status is None:
            # "Mine" is the work to do next: results ready to return wait under their own
            # link (ready_to_return_count), new filings come first, then by appointment.
            qs = qs.exclude(status=Status.RESULT_READY)
        order.insert(0, Case(When(status=Status.SUBMITTED, then=Value(0)), default=Value(1),
                             output_field=IntegerField()))
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
            "received_at", "appointment_at", "legal_due_at", "finished_at", "paused_at",
            "due_soon_flagged_at",
            "receiving_agency_id", "handling_agency_id",
            "procedure_version__id", "procedure_version__name", "procedure_version__number",
            "procedure_version__procedure__id", "procedure_version__procedure__code",
            "current_step__id", "current_step__name", "current_step__role",
            "current_step__due_at", "current_step__agency_id", "current_step__assignee_id",
            "current_step__agency__id", "current_step__agency__name",
            "current_step__assignee__id", "current_step__assignee__username",
            "current_step__assignee__full_name",
        )
        .order_by(*order)
    )


def ready_to_return_count(*, user: Any) -> int:
    """Results ready to return that "Mine" leaves out by default (one query)."""
    return staff_dossiers(user=user).filter(_mine_q(user), status=Status.RESULT_READY).count()


def deadline_state(
    dossier: Dossier, *, now: datetime.datetime, soon_until: datetime.datetime
) -> Badge | None:
    """The badge beside the appointment (onestop.core.badges): overdue or due soon."""
    return deadline_badge(
        due=dossier.due_at, now=now, soon_until=soon_until,
        running=dossier.status in CLOCK_RUNNING and dossier.paused_at is None,
        overdue=dossier.is_overdue(now),
        flagged=dossier.due_soon_flagged_at is not None)


def procedure_filter_choices() -> list[tuple[int, str]]:
    """(procedure id, "code – name") of the procedures in force, for the queue filter."""
    from onestop.catalog.selectors import versions_in_force

    seen: dict[int, str] = {}
    for procedure_id, code, name in versions_in_force().order_by(
        "procedure__code", "-number"
    ).values_list("procedure_id", "procedure__code", "name"):
        seen.setdefault(procedure_id, f"{code} – {name}")
    return list(seen.items())
