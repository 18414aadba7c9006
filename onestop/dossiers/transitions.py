"""The one table of allowed moves of a dossier.

Every service in onestop.dossiers.services checks its move here before writing; who may make
each move is the table beside this one, onestop.dossiers.permissions. Status codes are the
national TrangThaiHoSo codes (docs/domain.md §5).
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .models import Status


class Action(StrEnum):
    SUBMIT_ONLINE = "submit_online"
    INTAKE = "intake"  # filed at the counter: created and received in one step
    RECEIVE = "receive"
    REFUSE = "refuse"
    HAND_OVER = "hand_over"
    # The specialist attaches the draft result the leader reviews, then signs on approval.
    DRAFT_RESULT = "draft_result"
    APPROVE = "approve"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT_RECEIVED = "supplement_received"
    REQUEST_PAYMENT = "request_payment"
    PAYMENT_RECEIVED = "payment_received"
    WITHDRAW = "withdraw"
    STOP = "stop"
    RETURN_RESULT = "return_result"


ACTION_LABELS = {
    Action.SUBMIT_ONLINE: _("Submitted online"),
    Action.INTAKE: _("Received at the counter"),
    Action.RECEIVE: _("Received"),
    Action.REFUSE: _("Refused"),
    Action.HAND_OVER: _("Handed over"),
    Action.DRAFT_RESULT: _("Draft result attached"),
    Action.APPROVE: _("Approved, result ready"),
    Action.REQUEST_SUPPLEMENT: _("Supplement requested"),
    Action.SUPPLEMENT_RECEIVED: _("Supplement received"),
    Action.REQUEST_PAYMENT: _("Payment requested"),
    Action.PAYMENT_RECEIVED: _("Payment received"),
    Action.WITHDRAW: _("Withdrawn"),
    Action.STOP: _("Processing stopped"),
    Action.RETURN_RESULT: _("Result returned"),
}

S = Status
# action -> {from status: to status}. None as "from" means the dossier is being created.
TRANSITIONS: dict[Action, dict[Status | None, Status]] = {
    Action.SUBMIT_ONLINE: {None: S.SUBMITTED},
    Action.INTAKE: {None: S.RECEIVED},
    Action.RECEIVE: {S.SUBMITTED: S.RECEIVED},
    # Refused at receipt: an online filing, or a paper dossier at the counter (recorded
    # already refused, so form 03 can be printed; it never takes a code).
    Action.REFUSE: {S.SUBMITTED: S.REFUSED, None: S.REFUSED},
    Action.HAND_OVER: {S.RECEIVED: S.IN_PROCESS, S.IN_PROCESS: S.IN_PROCESS},
    Action.DRAFT_RESULT: {S.IN_PROCESS: S.IN_PROCESS},
    Action.APPROVE: {S.IN_PROCESS: S.RESULT_READY},
    # Supplement goes back to where it came from (SupplementRequest.resume_status).
    Action.REQUEST_SUPPLEMENT: {S.RECEIVED: S.SUPPLEMENT, S.IN_PROCESS: S.SUPPLEMENT},
    Action.SUPPLEMENT_RECEIVED: {S.SUPPLEMENT: S.IN_PROCESS},
    Action.REQUEST_PAYMENT: {S.RECEIVED: S.AWAITING_PAYMENT, S.IN_PROCESS: S.AWAITING_PAYMENT},
    Action.PAYMENT_RECEIVED: {S.AWAITING_PAYMENT: S.IN_PROCESS},
    Action.WITHDRAW: {
        S.SUBMITTED: S.WITHDRAWN, S.RECEIVED: S.WITHDRAWN, S.IN_PROCESS: S.WITHDRAWN,
        S.SUPPLEMENT: S.WITHDRAWN, S.AWAITING_PAYMENT: S.WITHDRAWN,
    },
    Action.STOP: {
        S.RECEIVED: S.STOPPED, S.IN_PROCESS: S.STOPPED, S.SUPPLEMENT: S.STOPPED,
        S.AWAITING_PAYMENT: S.STOPPED,
    },
    Action.RETURN_RESULT: {S.RESULT_READY: S.RETURNED},
}


def target_status(action: Action, current: Status | int | None) -> Status | None:
    """The status `action` leads to from `current`, or None when the move is not allowed."""
    key = Status(current) if current is not None else None
    return TRANSITIONS[action].get(key)


def actions_from(current: Status | int) -> list[Action]:
    status = Status(current)
    return [action for action, moves in TRANSITIONS.items() if status in moves]
