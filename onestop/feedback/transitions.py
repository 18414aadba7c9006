"""The one table of allowed moves of a feedback item (PAKN), and who may make them.

received ──answer──▶ answered ──publish──▶ published
    │                    │
    └──close──▶ closed ◀─┘        (forward: received → received, another agency)

Roles are held in the feedback's agency. Anyone on the agency's staff may draft an answer;
approving (answer), publishing, closing and forwarding need a leader or the agency admin,
because the answer goes out, and may be published, in the agency's name.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Role

from .models import FeedbackState


class Action(StrEnum):
    DRAFT = "draft"
    ANSWER = "answer"
    PUBLISH = "publish"
    CLOSE = "close"
    FORWARD = "forward"


ACTION_LABELS = {
    Action.DRAFT: _("Save the draft answer"),
    Action.ANSWER: _("Approve and send the answer"),
    Action.PUBLISH: _("Publish on the portal"),
    Action.CLOSE: _("Close"),
    Action.FORWARD: _("Forward to another agency"),
}

S = FeedbackState
TRANSITIONS: dict[Action, dict[str, str]] = {
    Action.DRAFT: {S.RECEIVED: S.RECEIVED},
    Action.ANSWER: {S.RECEIVED: S.ANSWERED},
    Action.PUBLISH: {S.ANSWERED: S.PUBLISHED},
    # Closed from "received": not to be answered (duplicate, spam, withdrawn);
    # from "answered": done, not published.
    Action.CLOSE: {S.RECEIVED: S.CLOSED, S.ANSWERED: S.CLOSED},
    Action.FORWARD: {S.RECEIVED: S.RECEIVED},
}

_ANY_STAFF = (Role.OFFICER, Role.SPECIALIST, Role.LEADER, Role.ADMIN)
_SIGNERS = (Role.LEADER, Role.ADMIN)
PERMISSIONS: dict[Action, tuple[str, ...]] = {
    Action.DRAFT: _ANY_STAFF,
    Action.ANSWER: _SIGNERS,
    Action.PUBLISH: _SIGNERS,
    Action.CLOSE: _SIGNERS,
    Action.FORWARD: _SIGNERS,
}


def target_state(action: Action, current: str) -> str | None:
    """The state `action` leads to from `current`, or None when the move is not allowed."""
    return TRANSITIONS[action].get(current)
