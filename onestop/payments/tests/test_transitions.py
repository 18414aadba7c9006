"""The payments' table of moves: every state change of a payment or a refund goes through it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import onestop
from onestop.core.errors import InvalidTransition
from onestop.payments.models import Payment, Refund
from onestop.payments.transitions import (
    SETTLEABLE,
    TRANSITIONS,
    Action,
    RefundAction,
    move,
    move_refund,
    target_state,
)

S = Payment.State
ROOT = Path(onestop.__file__).parent


def test_a_success_settles_a_pending_failed_expired_or_accepted_flagged_payment():
    for state in (S.PENDING, S.FAILED, S.EXPIRED, S.FLAGGED):
        assert target_state(Action.SETTLE, state) == S.SUCCEEDED
    assert set(SETTLEABLE) == {S.PENDING, S.FAILED, S.EXPIRED}


def test_a_settled_payment_never_settles_fails_or_expires_again():
    for state in (S.SUCCEEDED, S.PARTIALLY_REFUNDED, S.REFUNDED):
        for action in (Action.SETTLE, Action.FAIL, Action.EXPIRE, Action.FLAG, Action.REJECT):
            assert target_state(action, state) is None, (action, state)


def test_only_a_pending_payment_fails_or_expires_and_only_a_flagged_one_is_rejected():
    assert {s for s in S.values if target_state(Action.FAIL, s)} == {S.PENDING}
    assert {s for s in S.values if target_state(Action.EXPIRE, s)} == {S.PENDING}
    assert {s for s in S.values if target_state(Action.REJECT, s)} == {S.FLAGGED}


def test_refunds_end_partially_or_fully_refunded_and_a_rejected_payment_stays_failed():
    assert target_state(Action.REFUND_PART, S.SUCCEEDED) == S.PARTIALLY_REFUNDED
    assert target_state(Action.REFUND_ALL, S.PARTIALLY_REFUNDED) == S.REFUNDED
    assert target_state(Action.REFUND_ALL, S.FAILED) == S.FAILED
    assert target_state(Action.REFUND_PART, S.PENDING) is None


def test_move_sets_the_new_state_and_refuses_a_move_the_table_does_not_allow():
    payment = Payment(state=S.PENDING)
    assert move(payment, Action.SETTLE) == S.PENDING and payment.state == S.SUCCEEDED
    with pytest.raises(InvalidTransition):
        move(payment, Action.EXPIRE)
    assert payment.state == S.SUCCEEDED
    refund = Refund(state=Refund.State.REQUESTED)
    move_refund(refund, RefundAction.APPROVE)
    with pytest.raises(InvalidTransition):
        move_refund(refund, RefundAction.REJECT)


def test_every_target_is_a_payment_state():
    for moves in TRANSITIONS.values():
        assert set(moves) | set(moves.values()) <= set(S.values)


def test_no_service_assigns_a_payment_state_directly():
    # payment.state = … only in onestop/payments/transitions.py (move).
    direct = re.compile(r"\b(payment|pending|refund|p)\.state\s*=[^=]")
    wrong = []
    for app in ("payments", "billing", "markets", "dossiers"):
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            if path.name == "transitions.py":
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if direct.search(line):
                    wrong.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not wrong, wrong
