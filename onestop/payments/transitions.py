"""The one table of allowed moves of a payment (and of a refund), like dossiers' and feedback's.

                ┌──fail──▶ failed ──settle──┐
    pending ────┼──expire─▶ expired ─settle─┼──▶ succeeded ──refund──▶ partially_refunded
        │       └──flag──▶ flagged ─accept──┘        │                        │
        └──────────────settle──────────────▶─────────┘          refund_all ──▶ refunded
                          flagged ──reject──▶ failed

A success may still settle a failed or expired payment (the money is real: a late success,
a payment after an expired link). Every service in onestop.payments.services checks its move
here before writing (`move`); a move the table does not allow raises InvalidTransition, and
the service's own checks (whose role, which amount) come on top.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import InvalidTransition

from .models import Payment, Refund


class Action(StrEnum):
    EXPIRE = "expire"  # the link's time ran out, the fees changed, or cash was paid instead
    FAIL = "fail"  # the bank or gateway reported a failure
    FLAG = "flag"  # a success whose amount (or items) differs: an officer decides
    SETTLE = "settle"  # a verified success, cash at the counter, or an accepted flagged one
    REJECT = "reject"  # an officer rejects a flagged payment (its money is refunded)
    REFUND_PART = "refund_part"  # an approved refund leaves part of the money
    REFUND_ALL = "refund_all"  # an approved refund gives back the rest


S = Payment.State
TRANSITIONS: dict[Action, dict[str, str]] = {
    Action.EXPIRE: {S.PENDING: S.EXPIRED},
    Action.FAIL: {S.PENDING: S.FAILED},
    Action.FLAG: {S.PENDING: S.FLAGGED, S.FAILED: S.FLAGGED, S.EXPIRED: S.FLAGGED},
    Action.SETTLE: {S.PENDING: S.SUCCEEDED, S.FAILED: S.SUCCEEDED, S.EXPIRED: S.SUCCEEDED,
                    S.FLAGGED: S.SUCCEEDED},
    Action.REJECT: {S.FLAGGED: S.FAILED},
    # A rejected (failed) payment's money goes back; the payment stays failed.
    Action.REFUND_PART: {S.SUCCEEDED: S.PARTIALLY_REFUNDED,
                         S.PARTIALLY_REFUNDED: S.PARTIALLY_REFUNDED, S.FAILED: S.FAILED},
    Action.REFUND_ALL: {S.SUCCEEDED: S.REFUNDED, S.PARTIALLY_REFUNDED: S.REFUNDED,
                        S.FAILED: S.FAILED},
}

# A success may still settle these (or flag them when the amount differs).
SETTLEABLE = tuple(TRANSITIONS[Action.SETTLE].keys() - {S.FLAGGED})
SETTLED = (S.SUCCEEDED, S.PARTIALLY_REFUNDED, S.REFUNDED)


def target_state(action: Action, current: str) -> str | None:
    """The state `action` leads to from `current`, or None when the move is not allowed."""
    return TRANSITIONS[action].get(current)


def move(payment: Payment, action: Action) -> str:
    """Set the payment's new state for `action` (the caller saves and audits); the state it
    left. InvalidTransition when the table does not allow the move."""
    to = target_state(action, payment.state)
    if to is None:
        raise InvalidTransition(
            _("This payment cannot be changed this way while it is “%(state)s”."),
            state=payment.get_state_display())
    from_state = payment.state
    payment.state = to
    return from_state


class RefundAction(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


R = Refund.State
REFUND_TRANSITIONS: dict[RefundAction, dict[str, str]] = {
    RefundAction.APPROVE: {R.REQUESTED: R.APPROVED},
    RefundAction.REJECT: {R.REQUESTED: R.REJECTED},
}


def move_refund(refund: Refund, action: RefundAction) -> str:
    """Set the refund's new state for `action`; the state it left."""
    to = REFUND_TRANSITIONS[action].get(refund.state)
    if to is None:
        raise InvalidTransition(_("This refund has already been decided."))
    from_state = refund.state
    refund.state = to
    return from_state
