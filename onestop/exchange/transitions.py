"""The one table of allowed moves of a registered document, who may make them, and which
edXML status (QCVN 102:2016) each move reports back to the sender."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onestop.agencies.models import Role

from .edxml.model import StatusCode
from .models import DocState


class Action(StrEnum):
    SEND = "send"  # outgoing register: created and queued in one step
    RECEIVE = "receive"  # a valid message arrived: waits for the clerk
    REGISTER = "register"  # the clerk gives it an incoming number
    REFUSE = "refuse"  # the clerk sends it back (02)
    ASSIGN = "assign"  # a leader gives it to a department and a person
    START = "start"
    FINISH = "finish"
    # a revocation / update / replacement from the sender, decided by a leader
    AGREE_CHANGE = "agree_change"
    DECLINE_CHANGE = "decline_change"
    # what an agreed change does to the document it concerns (either register)
    REVOKE = "revoke"
    REPLACE = "replace"


ACTION_LABELS = {
    Action.SEND: _("Sent"),
    Action.RECEIVE: _("Arrived"),
    Action.REGISTER: _("Registered"),
    Action.REFUSE: pgettext_lazy("official document", "Refused"),
    Action.ASSIGN: pgettext_lazy("official document", "Assigned"),
    Action.START: _("Processing started"),
    Action.FINISH: _("Done"),
    Action.AGREE_CHANGE: _("Change agreed"),
    Action.DECLINE_CHANGE: _("Change refused"),
    Action.REVOKE: _("Revoked"),
    Action.REPLACE: _("Replaced"),
}

D = DocState
_LIVE = (D.SENT, D.RECEIVED, D.REGISTERED, D.ASSIGNED, D.IN_PROCESS, D.DONE)
# action -> {from state: to state}; None as "from" means the row is being created.
TRANSITIONS: dict[Action, dict[DocState | None, DocState]] = {
    Action.SEND: {None: D.SENT},
    Action.RECEIVE: {None: D.RECEIVED},
    Action.REGISTER: {D.RECEIVED: D.REGISTERED},
    Action.REFUSE: {D.RECEIVED: D.REFUSED},
    Action.ASSIGN: {D.REGISTERED: D.ASSIGNED, D.ASSIGNED: D.ASSIGNED, D.IN_PROCESS: D.ASSIGNED},
    Action.START: {D.ASSIGNED: D.IN_PROCESS},
    Action.FINISH: {D.ASSIGNED: D.DONE, D.IN_PROCESS: D.DONE},
    # The change request itself (an incoming row of business type 1–3) ends as done/refused.
    Action.AGREE_CHANGE: {D.RECEIVED: D.DONE, D.REGISTERED: D.DONE},
    Action.DECLINE_CHANGE: {D.RECEIVED: D.REFUSED, D.REGISTERED: D.REFUSED},
    Action.REVOKE: {state: D.REVOKED for state in _LIVE},
    Action.REPLACE: {state: D.REPLACED for state in _LIVE},
}

# action -> roles (in the document's agency) that may perform it; ASSIGNEE = the person
# the document is assigned to.
ASSIGNEE = "assignee"
PERMISSIONS: dict[Action, tuple[str, ...]] = {
    Action.SEND: (Role.CLERK, Role.LEADER),
    Action.REGISTER: (Role.CLERK,),
    Action.REFUSE: (Role.CLERK, Role.LEADER),
    Action.ASSIGN: (Role.LEADER,),
    Action.START: (ASSIGNEE, Role.LEADER),
    Action.FINISH: (ASSIGNEE, Role.LEADER),
    Action.AGREE_CHANGE: (Role.LEADER,),
    Action.DECLINE_CHANGE: (Role.LEADER,),
}

# The status each move reports to the sender of an incoming document (QCVN 102:2016).
REPORTS: dict[Action, StatusCode] = {
    Action.RECEIVE: StatusCode.ARRIVED,
    Action.REGISTER: StatusCode.ACCEPTED,
    Action.REFUSE: StatusCode.REFUSED,
    Action.ASSIGN: StatusCode.ASSIGNED,
    Action.START: StatusCode.IN_PROCESS,
    Action.FINISH: StatusCode.DONE,
    Action.AGREE_CHANGE: StatusCode.AGREED,
    Action.DECLINE_CHANGE: StatusCode.DECLINED,
}


def target_state(action: Action, current: DocState | str | None) -> DocState | None:
    key = DocState(current) if current is not None else None
    return TRANSITIONS[action].get(key)


def actions_from(current: DocState | str) -> list[Action]:
    state = DocState(current)
    return [a for a, moves in TRANSITIONS.items() if state in moves and a in PERMISSIONS]
