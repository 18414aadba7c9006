"""Feedback in the back office: draft, answer, publish, close, forward.

A state change locks the row (SELECT … FOR UPDATE; on SQLite the IMMEDIATE transaction holds
the database write lock), checks the move against onestop.feedback.transitions, writes,
and appends an audit event in the same transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency
from onestop.agencies.selectors import roles_of
from onestop.core.audit import audit_append
from onestop.core.clock import now_or
from onestop.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed

from ..models import (
    Feedback,
    FeedbackState,
)
from ..transitions import ACTION_LABELS, PERMISSIONS, Action, target_state
from .submission import CONTENT_MAX


def _lock(feedback_id: int, expected_version: int | None) -> Feedback:
    try:
        feedback = Feedback.objects.select_for_update(of=("self",)).select_related(
            "agency").get(pk=feedback_id)
    except Feedback.DoesNotExist as exc:
        raise InvalidTransition(_("This feedback does not exist.")) from exc
    if expected_version is not None and feedback.version != expected_version:
        raise Conflict(_("Someone else changed this feedback a moment ago. Reload the page "
                         "and try again."))
    return feedback


def may(*, action: Action | str, feedback: Feedback, user: Any) -> bool:
    """Whether `user`'s roles in the feedback's agency allow `action` (permissions only)."""
    held = roles_of(user=user).get(feedback.agency_id, set())
    return any(role in held for role in PERMISSIONS[Action(action)])


def _check(action: Action, feedback: Feedback, user: Any) -> str:
    to = target_state(action, feedback.state)
    if to is None:
        raise InvalidTransition(
            _("“%(action)s” is not possible while the feedback is “%(state)s”."),
            action=ACTION_LABELS[action], state=feedback.get_state_display(),
        )
    if user is None or not may(action=action, feedback=feedback, user=user):
        raise NotAllowed(_("Your role does not allow this action on this feedback."))
    return to


def _record(*, feedback: Feedback, action: Action, actor: Any, from_state: str,
            fields: list[str], at: datetime.datetime, reason: str = "",
            data: dict[str, Any] | None = None) -> None:
    feedback.version += 1
    feedback.save(update_fields=[*fields, "version", "updated_at"])
    audit_append(
        actor=actor, action=f"feedback.{action}", object_type="feedback",
        object_id=feedback.pk, from_state=from_state, to_state=feedback.state, reason=reason,
        data=data or {}, at=at,
    )


def _clean_answer(answer: str) -> str:
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed(_("Write the answer."))
    if len(answer) > CONTENT_MAX:
        raise ValidationFailed(_("The answer is too long (at most %(max)s characters)."),
                               max=CONTENT_MAX)
    return answer


@transaction.atomic
def feedback_save_draft(
    *, feedback_id: int, actor: Any, answer: str, expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Feedback:
    """Any staff member of the agency writes or edits the draft answer (nothing is sent)."""
    at = now_or(at)
    feedback = _lock(feedback_id, expected_version)
    _check(Action.DRAFT, feedback, actor)
    feedback.answer = _clean_answer(answer)
    feedback.answer_drafted_by = actor
    feedback.answer_drafted_at = at
    _record(feedback=feedback, action=Action.DRAFT, actor=actor, from_state=feedback.state,
            fields=["answer", "answer_drafted_by", "answer_drafted_at"], at=at)
    return feedback


def _publish(feedback: Feedback, *, actor: Any, at: datetime.datetime) -> None:
    from_state = feedback.state
    to = _check(Action.PUBLISH, feedback, actor)
    if not feedback.consent_publish:
        raise NotAllowed(_("The sender did not agree to publication."))
    feedback.state = to
    feedback.published_at = at
    _record(feedback=feedback, action=Action.PUBLISH, actor=actor, from_state=from_state,
            fields=["state", "published_at"], at=at)


@transaction.atomic
def feedback_answer(
    *, feedback_id: int, actor: Any, answer: str, publish: bool = False,
    expected_version: int | None = None, at: datetime.datetime | None = None,
) -> Feedback:
    """A leader or the agency admin approves the answer; optionally publishes it at once."""
    at = now_or(at)
    feedback = _lock(feedback_id, expected_version)
    from_state = feedback.state
    feedback.state = _check(Action.ANSWER, feedback, actor)
    if publish and not feedback.consent_publish:
        raise NotAllowed(_("The sender did not agree to publication."))
    text = _clean_answer(answer)
    if text != feedback.answer:
        feedback.answer_drafted_by = actor
        feedback.answer_drafted_at = at
    feedback.answer = text
    feedback.answered_by = actor
    feedback.answered_at = at
    _record(feedback=feedback, action=Action.ANSWER, actor=actor, from_state=from_state,
            fields=["state", "answer", "answer_drafted_by", "answer_drafted_at",
                    "answered_by", "answered_at"], at=at,
            data={"on_time": feedback.on_time})
    if publish:
        _publish(feedback, actor=actor, at=at)
    from onestop.notifications.services import notify_feedback_answered  # outbox, same txn

    notify_feedback_answered(feedback=feedback, at=at)
    return feedback


@transaction.atomic
def feedback_publish(
    *, feedback_id: int, actor: Any, expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Feedback:
    """Publish an answered feedback on the portal: only with the sender's consent."""
    at = now_or(at)
    feedback = _lock(feedback_id, expected_version)
    _publish(feedback, actor=actor, at=at)
    return feedback


@transaction.atomic
def feedback_close(
    *, feedback_id: int, actor: Any, reason: str = "", expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Feedback:
    """Close without (further) publication; an unanswered item needs a reason."""
    at = now_or(at)
    feedback = _lock(feedback_id, expected_version)
    from_state = feedback.state
    feedback.state = _check(Action.CLOSE, feedback, actor)
    reason = (reason or "").strip()
    if from_state == FeedbackState.RECEIVED and not reason:
        raise ValidationFailed(_("Give the reason for closing without an answer."))
    feedback.closed_at = at
    feedback.close_reason = reason
    _record(feedback=feedback, action=Action.CLOSE, actor=actor, from_state=from_state,
            fields=["state", "closed_at", "close_reason"], at=at, reason=reason)
    return feedback


@transaction.atomic
def feedback_forward(
    *, feedback_id: int, actor: Any, agency_id: int, reason: str = "",
    expected_version: int | None = None, at: datetime.datetime | None = None,
) -> Feedback:
    """Hand an unanswered item to the competent agency; the deadline still counts from receipt."""
    at = now_or(at)
    feedback = _lock(feedback_id, expected_version)
    _check(Action.FORWARD, feedback, actor)
    target = Agency.objects.filter(pk=agency_id, is_active=True).first()
    if target is None or target.pk == feedback.agency_id:
        raise ValidationFailed(_("Choose another agency to forward to."))
    previous = feedback.agency
    feedback.agency = target
    _record(feedback=feedback, action=Action.FORWARD, actor=actor, from_state=feedback.state,
            fields=["agency"], at=at, reason=(reason or "").strip(),
            data={"from": previous.code, "to": target.code})
    return feedback
