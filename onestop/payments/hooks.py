"""What the payments core asks of the apps it collects for (dossiers, billing).

Payments knows fee items and payments, never what they pay for: an app whose debts are paid
here (a dossier's fees, a bill) keeps its own link rows and registers these hooks in its
`AppConfig.ready()`:

- `register_lock_hook`: lock the app's own rows of a payment *before* payments locks the
  payment, so every transaction takes its locks in one order (docs/lock-order.md: dossier
  or bill → fee items → payment → receipt counter → audit chain head → outbox);
- `register_settle_hook`: react inside the settle transaction (release a dossier, mark a
  bill paid), committed with the settlement or not at all;
- `register_subject_hook`: what a payment pays for, as printed on its receipt and in the
  officers' notice ("Hồ sơ: <code>");
- `register_refund_agencies_hook`: agencies, besides the collecting one, whose leaders
  decide a payment's refunds (a dossier's competent agency).

Registering a hook twice is harmless.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Payment


@dataclass(frozen=True)
class Subject:
    """What a payment pays for, as the app it collects for describes it."""

    code: str  # printed on the receipt and in the officers' notice
    # The dossier the officers' notice is filed under (notifications' Delivery.dossier).
    record: Any = None


LockHook = Callable[[int], None]
SettleHook = Callable[["Payment", datetime.datetime, Any], None]
SubjectHook = Callable[["Payment"], "Subject | None"]
RefundAgenciesHook = Callable[[list[int]], Iterable[tuple[int, int]]]

_LOCK_HOOKS: list[LockHook] = []
_SETTLE_HOOKS: list[SettleHook] = []
_SUBJECT_HOOKS: list[SubjectHook] = []
_REFUND_AGENCIES_HOOKS: list[RefundAgenciesHook] = []


def _add(hooks: list[Any], hook: Any) -> Any:
    if hook not in hooks:
        hooks.append(hook)
    return hook


def register_lock_hook(hook: LockHook) -> LockHook:
    """`hook(payment_id)` locks the caller app's rows of that payment (SELECT … FOR UPDATE).

    Called in the transaction of every service that may settle a payment (a notification,
    an officer's decision on a flagged payment), before the fee items and the payment are
    locked.
    """
    return _add(_LOCK_HOOKS, hook)


def register_settle_hook(hook: SettleHook) -> SettleHook:
    """Run `hook(payment, at, actor)` inside every settle transaction, after the receipt is
    issued (actor: the officer who recorded cash or accepted a flagged payment; None for a
    bank's notification).

    For other apps' side effects that must commit with the settlement or not at all (a
    dossier waiting in status 6 moves on; the bills hub writes the biller's callback row, an
    outbox like the receipt e-mail). A hook that raises rolls the settlement back.
    """
    return _add(_SETTLE_HOOKS, hook)


def register_subject_hook(hook: SubjectHook) -> SubjectHook:
    """`hook(payment)` answers what the payment pays for, or None when it is not the app's."""
    return _add(_SUBJECT_HOOKS, hook)


def register_refund_agencies_hook(hook: RefundAgenciesHook) -> RefundAgenciesHook:
    """`hook(payment_ids)` answers, for the app's payments among them, the ids of agencies
    whose leaders may also decide their refunds, as (payment_id, agency_id) pairs."""
    return _add(_REFUND_AGENCIES_HOOKS, hook)


def lock_clients(payment_id: int) -> None:
    for hook in list(_LOCK_HOOKS):
        hook(payment_id)


def settled(payment: Payment, at: datetime.datetime, actor: Any) -> None:
    for hook in list(_SETTLE_HOOKS):
        hook(payment, at, actor)


def subject_of(payment: Payment) -> Subject | None:
    for hook in list(_SUBJECT_HOOKS):
        subject = hook(payment)
        if subject is not None:
            return subject
    return None


def refund_agencies(payment_ids: Iterable[int]) -> dict[int, set[int]]:
    """{payment_id: the other agencies whose leaders decide its refunds}."""
    ids = list(payment_ids)
    found: dict[int, set[int]] = {}
    for hook in list(_REFUND_AGENCIES_HOOKS):
        for payment_id, agency_id in hook(ids):
            found.setdefault(payment_id, set()).add(agency_id)
    return found
