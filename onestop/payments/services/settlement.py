"""Receiving notifications and settling exactly once.

The exactly-once rule (docs/payments.md): every notification is verified, then decided and
logged in ONE transaction that holds the payment's row lock (SELECT … FOR UPDATE; SQLite's
IMMEDIATE transaction holds the database write lock). Inside that lock the payment's state
and the log of earlier notifications (same provider transaction id) say whether this one is
new; settling (state, receipt number, fee items, the client apps' settle hooks — a dossier's
move 6 → 4, a bill paid —, audit event, the e-mail task row) commits together or not at all.
A duplicate, concurrent or replayed notification finds the work done and changes nothing.

A service that may settle a payment takes its locks in the project's one order
(docs/lock-order.md): the client app's rows (lock hooks), then the fee items, then the payment.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from onestop.core.clock import now_or

from .. import hooks, providers
from ..models import Channel, FeeItem, Payment, PaymentLine, PaymentNotification
from ..providers.base import BadSignature, Incoming, Malformed, Notice
from ..transitions import SETTLEABLE, Action, move
from .creation import _audit
from .receipts import receipt_issue

logger = logging.getLogger(__name__)

Outcome = PaymentNotification.Outcome
S = Payment.State
OPEN = SETTLEABLE  # a success may still settle these


@dataclass(frozen=True)
class Received:
    outcome: str
    status: int
    body: dict[str, Any]
    notification_id: int | None = None


def notification_receive(*, provider: str, incoming: Incoming,
                         at: datetime.datetime | None = None) -> Received:
    """Verify, decide and log one notification (see the module docstring)."""
    at = now_or(at)
    handler = providers.get(provider)
    signature = handler.signature_of(incoming)
    try:
        notice = handler.parse_notification(incoming)
    except BadSignature:
        logger.warning("payment notification with a bad signature from %s", provider)
        note = _log_refused(provider, incoming, signature, Outcome.FORGED, valid=False, at=at)
        return Received(Outcome.FORGED, *handler.respond(Outcome.FORGED), note.pk)
    except Malformed:
        note = _log_refused(provider, incoming, signature, Outcome.MALFORMED, valid=True, at=at)
        return Received(Outcome.MALFORMED, *handler.respond(Outcome.MALFORMED), note.pk)
    note = notice_apply(provider=provider, notice=notice, body=incoming.text(),
                        signature=signature, at=at)
    return Received(note.outcome, *handler.respond(note.outcome), note.pk)


@transaction.atomic
def _log_refused(provider: str, incoming: Incoming, signature: str, outcome: str, *,
                 valid: bool, at: datetime.datetime) -> PaymentNotification:
    return PaymentNotification.objects.create(
        provider=provider, received_at=at, body=incoming.text()[:20000], signature=signature,
        signature_valid=valid, outcome=outcome,
    )


@transaction.atomic
def notice_apply(*, provider: str, notice: Notice, body: str = "", signature: str = "",
                 at: datetime.datetime | None = None) -> PaymentNotification:
    """Decide what a verified notice does to its payment, under the payment's row lock."""
    at = now_or(at)
    payment = _lock_for_settle(notice.reference) if notice.reference else None
    txn = notice.provider_txn_id
    earlier = None
    if txn:
        earlier = (PaymentNotification.objects.filter(
            provider=provider, provider_txn_id=txn, success=notice.success,
            signature_valid=True,
        ).exclude(outcome__in=(Outcome.FORGED, Outcome.MALFORMED)).order_by("id").first())
    if payment is None:
        outcome = Outcome.DUPLICATE if earlier else Outcome.UNKNOWN
    elif earlier is not None:
        outcome = Outcome.DUPLICATE
    elif notice.success:
        if payment.state in OPEN:
            if notice.amount == payment.amount and not _items_taken(payment):
                _settle(payment, provider=provider, txn=txn, amount=notice.amount,
                        sandbox=notice.sandbox, actor=None, at=at)
                outcome = Outcome.SETTLED
            else:
                _flag(payment, provider=provider, txn=txn, amount=notice.amount,
                      sandbox=notice.sandbox, at=at)
                outcome = Outcome.FLAGGED
        elif payment.provider == provider and payment.provider_txn_id == txn:
            outcome = Outcome.DUPLICATE
        else:
            # Paid twice (QR and gateway, or two transfers): the money is real; it is logged
            # for an officer to refund and for reconciliation, and changes nothing here.
            outcome = Outcome.EXTRA
    elif payment.state == S.PENDING:
        from_state = move(payment, Action.FAIL)
        payment.save(update_fields=["state", "updated_at"])
        _audit(payment, action="fail", actor=None, from_state=from_state, at=at,
               data={"provider": provider, "txn": txn})
        outcome = Outcome.FAILED
    else:
        outcome = Outcome.STALE  # a failure after a success (or a second failure): ignored
    return PaymentNotification.objects.create(
        provider=provider, received_at=at, body=body[:20000], signature=signature[:256],
        signature_valid=True, sandbox=notice.sandbox, reference=notice.reference[:40],
        provider_txn_id=txn, amount=notice.amount, success=notice.success, payment=payment,
        outcome=outcome, duplicate_of=earlier,
    )


def _lock_for_settle(reference: str) -> Payment | None:
    """Lock what settling this payment writes, in the project's order (docs/lock-order.md):
    the client apps' rows (a dossier, a bill), the payment's fee items, then the payment."""
    pk = Payment.objects.filter(reference=reference).values_list("pk", flat=True).first()
    if pk is None:
        return None
    hooks.lock_clients(pk)
    list(FeeItem.objects.select_for_update().filter(
        pk__in=PaymentLine.objects.filter(payment_id=pk).values("item_id")).order_by("pk"))
    return Payment.objects.select_for_update(of=("self",)).select_related("agency").get(pk=pk)


def _items_taken(payment: Payment) -> bool:
    """Some item of this payment is no longer open (paid by another payment, exempted)."""
    return FeeItem.objects.filter(lines__payment=payment).exclude(
        state=FeeItem.State.OPEN).exists()


def _settle(payment: Payment, *, provider: str, txn: str, amount: int | None, sandbox: bool,
            actor: Any, at: datetime.datetime, reason: str = "",
            before_audit: Callable[[], None] | None = None) -> None:
    """Succeeded + fee items paid + receipt + audit + the settle hooks (a dossier released,
    a bill paid): the caller's transaction, the payment already locked.

    The receipt number (a counter row) is taken before the audit chain head, as everywhere
    (docs/lock-order.md); `before_audit` writes the caller's own audit events between the two
    (cash: the expired links and the creation), so no counter is taken after the head.
    """
    from_state = move(payment, Action.SETTLE)
    payment.provider = provider
    payment.provider_txn_id = txn
    payment.received_amount = amount if amount is not None else payment.amount
    payment.sandbox = payment.sandbox or sandbox
    payment.settled_at = at
    if provider == "cash":
        payment.channel = Channel.COUNTER
    payment.save(update_fields=["state", "provider", "provider_txn_id", "received_amount",
                                "sandbox", "settled_at", "channel", "updated_at"])
    FeeItem.objects.filter(lines__payment=payment, state=FeeItem.State.OPEN).update(
        state=FeeItem.State.PAID, paid_by=payment)
    receipt = receipt_issue(payment=payment, at=at, email_to=payment.payer_email)
    if before_audit is not None:
        before_audit()
    _audit(payment, action="settle", actor=actor, from_state=from_state, at=at, reason=reason,
           data={"amount": payment.received_amount, "provider": provider, "txn": txn,
                 "receipt": receipt.number, "sandbox": payment.sandbox})
    hooks.settled(payment, at, actor)


def _flag(payment: Payment, *, provider: str, txn: str, amount: int | None, sandbox: bool,
          at: datetime.datetime) -> None:
    from_state = move(payment, Action.FLAG)
    payment.provider = provider
    payment.provider_txn_id = txn
    payment.received_amount = amount
    payment.sandbox = payment.sandbox or sandbox
    payment.save(update_fields=["state", "provider", "provider_txn_id", "received_amount",
                                "sandbox", "updated_at"])
    _audit(payment, action="flag", actor=None, from_state=from_state, at=at,
           data={"expected": payment.amount, "received": amount, "provider": provider,
                 "txn": txn})
    # An officer of the collecting agency must decide: they are told in this transaction.
    from onestop.notifications.services import notify_payment_flagged

    subject = hooks.subject_of(payment)
    notify_payment_flagged(payment=payment, at=at, code=subject.code if subject else "",
                           record=subject.record if subject else None)
