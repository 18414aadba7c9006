"""What officers do with payments: cash at the counter, a decision on a flagged payment."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.agencies.selectors import has_role
from onestop.core.clock import now_or
from onestop.core.errors import NotAllowed, ValidationFailed

from ..models import Channel, Payment, PaymentLine, Refund
from ..transitions import Action, move
from .creation import _audit, _create, _lock_open_items
from .settlement import _lock_for_settle, _settle

S = Payment.State


def _require_role(user: Any, agency_id: int, role: str, message: Any) -> None:
    if user is None or not has_role(user=user, agency_id=agency_id, role=role):
        raise NotAllowed(message)


@transaction.atomic
def payment_record_cash(*, item_ids: list[int], officer: Any, amount: int, purpose: str,
                        payer_name: str = "", payer_phone: str = "", payer_email: str = "",
                        replaces: Sequence[int] = (), audit_data: dict[str, Any] | None = None,
                        at: datetime.datetime | None = None) -> Payment:
    """Cash handed over at the counter for these open items (never 'online'), settled at once.

    `replaces`: the caller's pending online payments, expired (the link is closed). Locks
    the items, then the payments (docs/lock-order.md); the caller has locked its own row.
    """
    at = now_or(at)
    if type(amount) is not int or amount <= 0:
        raise ValidationFailed(_("The amount must be a positive whole number of đồng."))
    items = _lock_open_items(sorted(set(item_ids)), _("Nothing is owed on this any more."))
    _require_role(officer, items[0].agency_id, "officer",
                  _("Only a one-stop officer of the collecting agency records cash."))
    total = sum(item.amount for item in items)
    if amount != total:
        raise ValidationFailed(_("%(total)s đồng are owed; record exactly that amount."),
                               total=f"{total:,}".replace(",", "."))
    expired = []
    for pending in Payment.objects.select_for_update().filter(pk__in=list(replaces),
                                                              state=S.PENDING):
        move(pending, Action.EXPIRE)  # the online link is closed; audited below
        pending.save(update_fields=["state", "updated_at"])
        expired.append(pending)
    payment = _create(
        agency_id=items[0].agency_id, amount=total, purpose=purpose, provider="cash",
        creator=officer, creator_key=f"user:{officer.pk}", key="", digest="", at=at,
        payer_name=payer_name, payer_phone=payer_phone, payer_email=payer_email,
        channel=Channel.COUNTER,
    )
    PaymentLine.objects.bulk_create(
        [PaymentLine(payment=payment, item=item, amount=item.amount) for item in items])

    def record_expired_and_created() -> None:
        # After the receipt number, before the settle event (docs/lock-order.md: counters
        # before the audit chain head); the same events in the same order as ever.
        for p in expired:
            _audit(p, action="expire", actor=officer, from_state=S.PENDING, at=at,
                   reason="paid in cash")
        _audit(payment, action="create", actor=officer, from_state="", at=at,
               to_state=S.PENDING,
               data={"amount": total, **(audit_data or {"items": [i.pk for i in items]}),
                     "provider": "cash"})

    _settle(payment, provider="cash", txn="", amount=total, sandbox=False, actor=officer,
            at=at, before_audit=record_expired_and_created)
    return payment


class Decision:
    ACCEPT = "accept"  # take what was received as full payment
    REFUND_DIFFERENCE = "refund_difference"  # over-payment: settle, give the excess back
    REJECT = "reject"  # give everything back; the fees stay open


@transaction.atomic
def payment_resolve_flagged(*, reference: str, officer: Any, decision: str, reason: str,
                            at: datetime.datetime | None = None) -> Payment:
    """An officer decides on a payment whose amount differed from what was owed."""
    at = now_or(at)
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for the decision."))
    payment = _lock_for_settle(reference.strip())
    if payment is None:
        raise ValidationFailed(_("No payment has this reference."))
    _require_role(officer, payment.agency_id, "officer",
                  _("Only a one-stop officer of the collecting agency decides on payments."))
    if payment.state != S.FLAGGED:
        raise ValidationFailed(_("This payment is not waiting for a decision."))
    received = payment.received_amount or 0
    if decision == Decision.ACCEPT:
        _settle(payment, provider=payment.provider, txn=payment.provider_txn_id,
                amount=received, sandbox=payment.sandbox, actor=officer, at=at,
                reason=reason.strip())
    elif decision == Decision.REFUND_DIFFERENCE:
        if received <= payment.amount:
            raise ValidationFailed(_("Only an over-payment has a difference to give back."))
        _settle(payment, provider=payment.provider, txn=payment.provider_txn_id,
                amount=received, sandbox=payment.sandbox, actor=officer, at=at,
                reason=reason.strip())
        _refund_request(payment, officer=officer, amount=received - payment.amount,
                        reason=reason.strip(), at=at)
    elif decision == Decision.REJECT:
        from_state = move(payment, Action.REJECT)
        payment.save(update_fields=["state", "updated_at"])
        _audit(payment, action="reject", actor=officer, from_state=from_state, at=at,
               reason=reason.strip(), data={"received": received})
        if received > 0:
            _refund_request(payment, officer=officer, amount=received, reason=reason.strip(),
                            at=at)
    else:
        raise ValidationFailed(_("Unknown decision."))
    return payment


def _refund_request(payment: Payment, *, officer: Any, amount: int, reason: str,
                    at: datetime.datetime) -> Refund:
    from .refunds import refund_request_locked

    return refund_request_locked(payment, officer=officer, amount=amount, reason=reason, at=at)
