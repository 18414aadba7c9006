"""Refunds: an officer asks, a leader approves (two people, two services, row locks, audit)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from onestop.agencies.selectors import has_role
from onestop.core.audit import audit_append
from onestop.core.clock import now_or
from onestop.core.errors import NotAllowed, ValidationFailed

from .. import hooks
from ..models import Payment, Refund
from ..transitions import Action, RefundAction, move, move_refund
from .receipts import receipt_issue

S = Payment.State
REFUNDABLE = (S.SUCCEEDED, S.PARTIALLY_REFUNDED, S.FAILED)


def _audit(refund: Refund, *, action: str, actor: Any, from_state: str, at: datetime.datetime,
           reason: str = "", data: dict[str, Any] | None = None) -> None:
    audit_append(actor=actor, action=f"refund.{action}", object_type="refund",
                 object_id=refund.pk, from_state=from_state, to_state=refund.state,
                 reason=reason, data={"payment": refund.payment.reference,
                                      "amount": refund.amount, **(data or {})}, at=at)


def _room(payment: Payment) -> int:
    """What can still be given back: received minus refunds asked for or made."""
    asked = Refund.objects.filter(payment=payment).exclude(state=Refund.State.REJECTED).aggregate(
        total=Sum("amount"))["total"] or 0
    return int((payment.received_amount or 0) - asked)


def refund_request_locked(payment: Payment, *, officer: Any, amount: int, reason: str,
                          at: datetime.datetime) -> Refund:
    """The request itself, for a caller that already holds the payment's lock."""
    if type(amount) is not int or amount <= 0:
        raise ValidationFailed(_("The amount must be a positive whole number of đồng."))
    if payment.state not in REFUNDABLE or not payment.received_amount:
        raise ValidationFailed(_("Only money actually received can be refunded."))
    if amount > _room(payment):
        raise ValidationFailed(_("The refunds would exceed what was received."))
    refund = Refund.objects.create(payment=payment, amount=amount, reason=reason,
                                   requested_by=officer, requested_at=at)
    _audit(refund, action="request", actor=officer, from_state="", at=at, reason=reason)
    return refund


@transaction.atomic
def refund_request(*, reference: str, officer: Any, amount: int, reason: str,
                   at: datetime.datetime | None = None) -> Refund:
    at = now_or(at)
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for the refund."))
    payment = Payment.objects.select_for_update().filter(reference=reference).first()
    if payment is None:
        raise ValidationFailed(_("No payment has this reference."))
    if officer is None or not has_role(user=officer, agency_id=payment.agency_id,
                                       role="officer"):
        raise NotAllowed(_("Only a one-stop officer of the collecting agency asks for refunds."))
    return refund_request_locked(payment, officer=officer, amount=amount,
                                 reason=reason.strip(), at=at)


def may_decide(*, user: Any, payment: Payment) -> bool:
    """A leader of the collecting agency, or of an agency the client app names (a dossier's
    competent agency: onestop.payments.hooks.register_refund_agencies_hook)."""
    if user is None:
        return False
    agencies = {payment.agency_id} | hooks.refund_agencies([payment.pk]).get(payment.pk, set())
    return any(has_role(user=user, agency_id=a, role="leader") for a in agencies)


def _lock(refund_id: int) -> tuple[Refund, Payment]:
    """The payment, then the refund (docs/lock-order.md: payment before refund)."""
    payment_id = Refund.objects.filter(pk=refund_id).values_list("payment_id", flat=True).first()
    if payment_id is None:
        raise ValidationFailed(_("This refund does not exist."))
    payment = Payment.objects.select_for_update(of=("self",)).select_related(
        "agency").get(pk=payment_id)
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    refund.payment = payment
    return refund, payment


@transaction.atomic
def refund_approve(*, refund_id: int, leader: Any, note: str = "",
                   at: datetime.datetime | None = None) -> Refund:
    """Approve: the money goes back, the payment shows it, a refund receipt is issued."""
    at = now_or(at)
    refund, payment = _lock(refund_id)
    if not may_decide(user=leader, payment=payment):
        raise NotAllowed(_("Only a leader approves refunds."))
    if leader.pk == refund.requested_by_id:
        raise NotAllowed(_("A refund is approved by someone other than who asked for it."))
    if refund.state != Refund.State.REQUESTED:
        raise ValidationFailed(_("This refund has already been decided."))
    move_refund(refund, RefundAction.APPROVE)
    refund.decided_by = leader
    refund.decided_at = at
    refund.decision_note = note.strip()
    refund.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    payment.refunded_amount += refund.amount
    from_state = move(payment, Action.REFUND_ALL
                      if payment.refunded_amount >= (payment.received_amount or 0)
                      else Action.REFUND_PART)
    payment.save(update_fields=["refunded_amount", "state", "updated_at"])
    receipt = receipt_issue(payment=payment, at=at, refund=refund, email_to=payment.payer_email)
    _audit(refund, action="approve", actor=leader, from_state=Refund.State.REQUESTED, at=at,
           reason=refund.decision_note, data={"receipt": receipt.number,
                                              "payment_state": [from_state, payment.state]})
    return refund


@transaction.atomic
def refund_reject(*, refund_id: int, leader: Any, note: str,
                  at: datetime.datetime | None = None) -> Refund:
    at = now_or(at)
    if not note.strip():
        raise ValidationFailed(_("Give the reason for rejecting the refund."))
    refund, payment = _lock(refund_id)
    if not may_decide(user=leader, payment=payment):
        raise NotAllowed(_("Only a leader approves refunds."))
    if refund.state != Refund.State.REQUESTED:
        raise ValidationFailed(_("This refund has already been decided."))
    move_refund(refund, RefundAction.REJECT)
    refund.decided_by = leader
    refund.decided_at = at
    refund.decision_note = note.strip()
    refund.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    _audit(refund, action="reject", actor=leader, from_state=Refund.State.REQUESTED, at=at,
           reason=refund.decision_note)
    return refund
