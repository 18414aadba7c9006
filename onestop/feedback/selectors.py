"""Read queries for ratings and feedback: the citizen's pages, the back office, the portal.

Scope rule: staff see the feedback addressed to the agencies they hold a role in, and the
ratings of dossiers handled or received there. Public reads never load the sender's
contact details.
"""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency
from onestop.agencies.selectors import roles_of
from onestop.core.badges import Badge, deadline_badge
from onestop.core.calendars import calendar_for
from onestop.core.errors import DomainError, NotFound
from onestop.core.models import AuditEvent
from onestop.dossiers.models import Dossier
from onestop.dossiers.scopes import citizen_dossiers

from .models import Feedback, FeedbackState, Rating, RatingCriterion, RatingScore
from .services import may, normalise_contact
from .transitions import Action, target_state

# Unanswered feedback due within this many working days is flagged "due soon".
DUE_SOON_DAYS = 3
PUBLIC_FIELDS = ("code", "subject", "content", "answer", "received_at", "answered_at",
                 "published_at", "agency__name", "agency__name_en", "procedure__code")


# ---- ratings ----------------------------------------------------------------------------------

def active_criteria() -> list[RatingCriterion]:
    return list(RatingCriterion.objects.filter(active=True))


def rating_for(dossier: Dossier | int) -> Rating | None:
    """The dossier's rating with its scores (criteria in order), or None if not rated yet.

    For the citizen's dossier page: link to `portal:rate` when this is None and the
    dossier has been returned.
    """
    dossier_id = dossier if isinstance(dossier, int) else dossier.pk
    return (
        Rating.objects.filter(dossier_id=dossier_id)
        .prefetch_related(Prefetch(
            "scores", queryset=RatingScore.objects.select_related("criterion")
            .order_by("criterion__order", "criterion_id"),
        ))
        .first()
    )


def dossier_for_rating(*, user: Any, pk: int) -> Dossier:
    """The dossier if `user` is its applicant account (onestop.dossiers.scopes); NotFound for
    anyone else (no hint)."""
    try:
        return citizen_dossiers(user=user).select_related(
            "procedure_version", "handling_agency").get(pk=pk)
    except Dossier.DoesNotExist as exc:
        raise NotFound(_("No dossier of yours has this number.")) from exc


def _average(total: int | None, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total or 0) / Decimal(count)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Average:
    label: str
    average: Decimal | None
    count: int


@dataclass(frozen=True)
class RatingSummary:
    ratings: int
    by_criterion: list[Average]
    by_agency: list[Average]


def _rating_scope(user: Any) -> Q:
    ids = list(roles_of(user=user))
    if not ids:
        return Q(pk__in=[])
    return Q(dossier__handling_agency_id__in=ids) | Q(dossier__receiving_agency_id__in=ids)


def rating_summary(*, user: Any) -> RatingSummary:
    """Average score per criterion and per competent agency, in the user's scope.

    Sums and counts come from the database as integers; the average is an exact Decimal
    rounded half up to two places (no floats).
    """
    ratings = Rating.objects.filter(_rating_scope(user))
    scores = RatingScore.objects.filter(rating__in=ratings.values("pk"))
    criteria = {c.pk: c for c in RatingCriterion.objects.all()}
    per_criterion = {
        row["criterion_id"]: row for row in
        scores.values("criterion_id").annotate(total=Sum("score"), n=Count("id"))
    }
    by_criterion = [
        Average(label=c.label, average=_average(per_criterion.get(c.pk, {}).get("total"),
                                                per_criterion.get(c.pk, {}).get("n", 0)),
                count=per_criterion.get(c.pk, {}).get("n", 0))
        for c in criteria.values() if c.active or c.pk in per_criterion
    ]
    rows = list(scores.values("rating__dossier__handling_agency_id").annotate(
        total=Sum("score"), n=Count("id"), raters=Count("rating_id", distinct=True)))
    names = dict(Agency.objects.filter(
        pk__in=[r["rating__dossier__handling_agency_id"] for r in rows]
    ).values_list("pk", "name"))
    by_agency = sorted(
        (Average(label=names.get(r["rating__dossier__handling_agency_id"], "?"),
                 average=_average(r["total"], r["n"]), count=r["raters"]) for r in rows),
        key=lambda a: a.label,
    )
    return RatingSummary(ratings=ratings.count(), by_criterion=by_criterion,
                         by_agency=by_agency)


def recent_ratings(*, user: Any, limit: int = 30) -> list[Rating]:
    return list(
        Rating.objects.filter(_rating_scope(user))
        .select_related("dossier__procedure_version", "dossier__handling_agency")
        .prefetch_related(Prefetch(
            "scores", queryset=RatingScore.objects.select_related("criterion")
            .order_by("criterion__order", "criterion_id"),
        ))
        .order_by("-created_at", "-id")[:limit]
    )


# ---- feedback: back office -------------------------------------------------------------------

class QueueTab(StrEnum):
    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ANSWERED = "answered"
    PUBLISHED = "published"
    CLOSED = "closed"
    ALL = "all"


QUEUE_TAB_LABELS = {
    QueueTab.OPEN: _("Open"),
    QueueTab.DUE_SOON: _("Due soon"),
    QueueTab.OVERDUE: _("Overdue"),
    QueueTab.ANSWERED: _("Answered"),
    QueueTab.PUBLISHED: _("Published"),
    QueueTab.CLOSED: _("Closed"),
    QueueTab.ALL: _("All"),
}


def feedback_scope(*, user: Any) -> Q:
    ids = list(roles_of(user=user))
    return Q(agency_id__in=ids) if ids else Q(pk__in=[])


def due_soon_until(*, now: datetime.datetime) -> datetime.datetime:
    return calendar_for(None).due(now, DUE_SOON_DAYS)


def feedback_queue_for(*, user: Any, tab: QueueTab, now: datetime.datetime) -> QuerySet[Feedback]:
    qs = Feedback.objects.filter(feedback_scope(user=user)).select_related("agency")
    open_q = Q(state=FeedbackState.RECEIVED)
    if tab == QueueTab.OPEN:
        qs = qs.filter(open_q)
    elif tab == QueueTab.DUE_SOON:
        qs = qs.filter(open_q, deadline_at__gte=now, deadline_at__lte=due_soon_until(now=now))
    elif tab == QueueTab.OVERDUE:
        qs = qs.filter(open_q, deadline_at__lt=now)
    elif tab == QueueTab.ANSWERED:
        qs = qs.filter(state=FeedbackState.ANSWERED)
    elif tab == QueueTab.PUBLISHED:
        qs = qs.filter(state=FeedbackState.PUBLISHED)
    elif tab == QueueTab.CLOSED:
        qs = qs.filter(state=FeedbackState.CLOSED)
    if tab in (QueueTab.OPEN, QueueTab.DUE_SOON, QueueTab.OVERDUE):
        return qs.order_by("deadline_at", "id")
    return qs.order_by("-received_at", "-id")


def deadline_state(feedback: Feedback, *, now: datetime.datetime,
                   soon_until: datetime.datetime) -> Badge | None:
    """The badge beside the deadline (onestop.core.badges): overdue or due soon while
    waiting for an answer, answered on time or late once answered."""
    return deadline_badge(
        due=feedback.deadline_at, now=now, soon_until=soon_until,
        running=feedback.state == FeedbackState.RECEIVED,
        done_on_time=feedback.on_time)


def feedback_for_staff(*, user: Any, pk: int) -> Feedback:
    """One feedback item of the user's agencies; 404 for anything else."""
    try:
        return Feedback.objects.filter(feedback_scope(user=user)).select_related(
            "agency", "procedure", "dossier", "sender", "answer_drafted_by", "answered_by",
        ).get(pk=pk)
    except Feedback.DoesNotExist as exc:
        raise NotFound(_("No feedback of your agencies has this number.")) from exc


def available_actions(*, user: Any, feedback: Feedback) -> set[str]:
    out = set()
    for action in Action:
        if target_state(action, feedback.state) is None:
            continue
        if action == Action.PUBLISH and not feedback.consent_publish:
            continue
        if may(action=action, feedback=feedback, user=user):
            out.add(action.value)
    return out


def forward_targets(*, feedback: Feedback) -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).exclude(pk=feedback.agency_id).order_by("name")


EVENT_LABELS = {
    "feedback.submit": _("Received"),
    "feedback.draft": _("Draft answer saved"),
    "feedback.answer": _("Answer approved"),
    "feedback.publish": _("Published on the portal"),
    "feedback.close": _("Closed"),
    "feedback.forward": _("Forwarded"),
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    label: str
    actor: str
    reason: str


def feedback_timeline(*, feedback: Feedback) -> list[TimelineEntry]:
    events = AuditEvent.objects.filter(object_type="feedback", object_id=str(feedback.pk))
    return [
        TimelineEntry(
            at=e.at, label=str(EVENT_LABELS.get(e.action, e.action)), reason=e.reason,
            # Anonymous senders are recorded as "system"; name them by their role here.
            actor=str(_("the sender")) if e.actor_id is None else e.actor_label,
        )
        for e in events.order_by("seq")
    ]


# ---- feedback: public ----------------------------------------------------------------------------

def published_feedback() -> QuerySet[Feedback, dict[str, Any]]:
    """Published items, newest first, as dicts of public fields only (never the contact)."""
    return (
        Feedback.objects.filter(state=FeedbackState.PUBLISHED, consent_publish=True)
        .order_by("-published_at", "-id")
        .values(*PUBLIC_FIELDS)
    )


@dataclass(frozen=True)
class PublicFeedback:
    code: str
    subject: str
    state: str
    state_code: str
    received_at: datetime.datetime
    deadline_at: datetime.datetime
    answer: str
    answered_at: datetime.datetime | None
    agency_name: str
    published: bool


def public_feedback_lookup(*, code: str, contact: str) -> PublicFeedback | None:
    """The status (and the answer, once given) for the sender who knows the code and the
    contact given; None when either does not match (answer both the same way)."""
    code = (code or "").strip().upper()
    try:
        wanted = normalise_contact(contact)
    except (DomainError, ValidationError):
        return None
    if not code:
        return None
    feedback = Feedback.objects.filter(code=code).select_related("agency").first()
    if feedback is None or not hmac.compare_digest(feedback.contact.encode(), wanted.encode()):
        return None
    answered = feedback.answered_at is not None and feedback.state != FeedbackState.RECEIVED
    return PublicFeedback(
        code=feedback.code, subject=feedback.subject, state=feedback.get_state_display(),
        state_code=feedback.state, received_at=feedback.received_at,
        deadline_at=feedback.deadline_at, answer=feedback.answer if answered else "",
        answered_at=feedback.answered_at if answered else None,
        agency_name=feedback.agency.name if answered else "",
        published=feedback.state == FeedbackState.PUBLISHED,
    )
