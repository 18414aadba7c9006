"""Creating payments, receiving notifications, settling exactly once.

The exactly-once rule (docs/payments.md): every notification is verified, then decided and
logged in ONE transaction that holds the payment's row lock (SELECT … FOR UPDATE; SQLite's
IMMEDIATE transaction holds the database write lock). Inside that lock the payment's state
and the log of earlier notifications (same provider transaction id) say whether this one is
new; settling (state, receipt number, fee items, the client apps' settle hooks — a dossier's
move 6 → 4, a bill paid —, audit event, the e-mail task row) commits together or not at all.
A duplicate, concurrent or replayed notification finds the work done and changes nothing.

Payments knows fee items and payments, never what they pay for (onestop.payments.hooks). A
service that may settle a payment takes its locks in the project's one order
(docs/lock-order.md): the client app's rows (lock hooks), then the fee items, then the payment.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from onestop.agencies.selectors import has_role
from onestop.core.audit import audit_append
from onestop.core.clock import now_or
from onestop.core.errors import Conflict, NotAllowed, ValidationFailed

from .. import hooks, providers
from ..models import Channel, FeeItem, Payment, PaymentLine, PaymentNotification, Refund
from ..providers.base import BadSignature, Incoming, Malformed, Notice
from ..transitions import SETTLEABLE, Action, move
from .receipts import receipt_issue

logger = logging.getLogger(__name__)

Outcome = PaymentNotification.Outcome
S = Payment.State
OPEN = SETTLEABLE  # a success may still settle these
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U


class IdempotencyMismatch(Conflict):
    default_message = _(
        "This Idempotency-Key was already used for a different payment request."
    )
    http_status = 422


def new_reference() -> str:
    """'OS' + 10 random Crockford base-32 characters: short enough to type into a bank app."""
    return "OS" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def _request_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _audit(payment: Payment, *, action: str, actor: Any, from_state: str, at: datetime.datetime,
           reason: str = "", data: dict[str, Any] | None = None) -> None:
    audit_append(actor=actor, action=f"payment.{action}", object_type="payment",
                 object_id=payment.reference, from_state=from_state, to_state=payment.state,
                 reason=reason, data=data or {}, at=at)


def _expiry(at: datetime.datetime) -> datetime.datetime:
    return at + datetime.timedelta(minutes=int(settings.ONESTOP_PAYMENT_EXPIRY_MINUTES))


# ---- creating payments -----------------------------------------------------------------------

@dataclass(frozen=True)
class Created:
    payment: Payment
    created: bool


def _creator_key(creator: Any | None, creator_key: str) -> str:
    return (creator_key or (f"user:{creator.pk}" if creator is not None
                            and getattr(creator, "pk", None) else "anon"))[:64]


def idempotent_replay(*, creator: Any | None = None, creator_key: str = "",
                      idempotency_key: str = "", request: dict[str, Any]) -> Created | None:
    """The payment an Idempotency-Key already made for this creator, or None.

    The same key with the same request answers the same payment whatever happened since
    (paid, expired); the same key with another request is refused (IdempotencyMismatch).
    A client app asks this before its own checks, so a retried request gets the first answer.
    """
    key = idempotency_key.strip()[:100]
    if not key:
        return None
    existing = Payment.objects.filter(creator_key=_creator_key(creator, creator_key),
                                      idempotency_key=key).first()
    if existing is None:
        return None
    if existing.request_hash != _request_hash(request):
        raise IdempotencyMismatch()
    return Created(existing, False)


def _expire(payment: Payment, *, actor: Any, at: datetime.datetime, reason: str = "") -> None:
    from_state = move(payment, Action.EXPIRE)
    payment.save(update_fields=["state", "updated_at"])
    _audit(payment, action="expire", actor=actor, from_state=from_state, at=at, reason=reason)


def _create(*, agency_id: int, amount: int, purpose: str,
            provider: str, creator: Any, creator_key: str, key: str, digest: str,
            at: datetime.datetime, payer_name: str = "", payer_phone: str = "",
            payer_email: str = "", channel: str = Channel.ONLINE) -> Payment:
    for _attempt in range(5):
        try:
            with transaction.atomic():  # a savepoint: a clash must not poison the outer one
                return Payment.objects.create(
                    reference=new_reference(), agency_id=agency_id, amount=amount,
                    purpose=purpose[:200], provider=provider, channel=channel,
                    created_by=creator if getattr(creator, "pk", None) else None,
                    creator_key=creator_key, idempotency_key=key, request_hash=digest,
                    payer_name=payer_name[:200], payer_phone=payer_phone[:20],
                    payer_email=payer_email, created_at=at, expires_at=_expiry(at),
                )
        except IntegrityError:
            if key and Payment.objects.filter(creator_key=creator_key,
                                              idempotency_key=key).exists():
                # The same key raced us to it: answer as the first request was answered.
                existing = Payment.objects.get(creator_key=creator_key, idempotency_key=key)
                if existing.request_hash != digest:
                    raise IdempotencyMismatch() from None
                return existing
            continue  # reference collision (1 in 32^10): draw again
    raise RuntimeError("could not draw a unique payment reference")


@transaction.atomic
def payment_choose_provider(*, reference: str, provider: str) -> Payment:
    """The payer picks how to pay (QR, gateway, sandbox) while the payment is pending."""
    providers.check_payer_choice(provider)
    payment = _lock(reference)
    if payment.state != S.PENDING:
        raise ValidationFailed(_("This payment is no longer awaiting payment."))
    if payment.provider != provider:
        payment.provider = provider
        payment.save(update_fields=["provider", "updated_at"])
    return payment


def _lock(reference: str) -> Payment:
    try:
        return Payment.objects.select_for_update(of=("self",)).select_related("agency").get(
            reference=reference)
    except Payment.DoesNotExist as exc:
        raise ValidationFailed(_("No payment has this reference.")) from exc


# ---- creating payments for open fee items -----------------------------------------------------

def _lock_open_items(item_ids: list[int], message: Any) -> list[FeeItem]:
    items = list(FeeItem.objects.select_for_update().filter(
        pk__in=item_ids, state=FeeItem.State.OPEN, amount__gt=0).order_by("id"))
    if not items or len(items) != len(item_ids):
        raise ValidationFailed(message)
    if len({item.agency_id for item in items}) != 1:
        raise ValidationFailed(_("These items are collected by different agencies."))
    return items


@transaction.atomic
def payment_for_items(
    *, item_ids: list[int], purpose: str, provider: str = "vietqr", creator: Any | None = None,
    creator_key: str = "", idempotency_key: str = "", payer_name: str = "",
    payer_email: str = "", payer_phone: str = "", request: dict[str, Any] | None = None,
    replaces: Sequence[int] = (), audit_data: dict[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> Created:
    """A payment for open fee items of one collecting agency (a dossier's fees, a bill).

    Idempotent twice over: an Idempotency-Key returns the payment it made (`request`, what
    the key stands for, defaults to the items, provider and e-mail; another request under
    that key is refused), and without a key a pending payment for exactly the same items is
    reused, so reloading a page never multiplies references. `replaces`: pending payments
    the caller's earlier requests made (a dossier's), expired when they cover other items
    (the fees changed). Locks the items, then the pending payments (docs/lock-order.md);
    the caller has locked its own row first.
    """
    at = now_or(at)
    providers.check_payer_choice(provider)
    key = idempotency_key.strip()[:100]
    creator_key = _creator_key(creator, creator_key)
    wanted = sorted(set(item_ids))
    request = request if request is not None else {
        "items": wanted, "provider": provider, "email": payer_email}
    replay = idempotent_replay(creator=creator, creator_key=creator_key, idempotency_key=key,
                               request=request)
    if replay is not None:
        return replay
    items = _lock_open_items(wanted, _("Nothing is owed on this any more."))
    total = sum(item.amount for item in items)
    pending_ids = set(PaymentLine.objects.filter(
        item_id__in=wanted, payment__state=S.PENDING).values_list("payment_id", flat=True))
    for pending in Payment.objects.select_for_update().filter(
            pk__in=pending_ids | set(replaces), state=S.PENDING):
        covered = sorted(pending.lines.values_list("item_id", flat=True))
        same = covered == wanted and pending.amount == total
        if same and not key:
            return Created(pending, False)
        if not same and pending.pk in replaces:
            _expire(pending, actor=creator, at=at, reason="fees changed")
    payment = _create(
        agency_id=items[0].agency_id, amount=total, purpose=purpose, provider=provider,
        creator=creator, creator_key=creator_key, key=key, digest=_request_hash(request),
        at=at, payer_name=payer_name, payer_phone=payer_phone, payer_email=payer_email,
    )
    PaymentLine.objects.bulk_create(
        [PaymentLine(payment=payment, item=item, amount=item.amount) for item in items])
    _audit(payment, action="create", actor=creator, from_state="", at=at,
           data={"amount": total, **(audit_data or {"items": wanted}), "provider": provider})
    return Created(payment, True)


# ---- notifications ---------------------------------------------------------------------------

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
            actor: Any, at: datetime.datetime, reason: str = "") -> None:
    """Succeeded + fee items paid + receipt + audit + the settle hooks (a dossier released,
    a bill paid): the caller's transaction, the payment already locked."""
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


# ---- officers: cash, flagged payments --------------------------------------------------------

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
    for pending in Payment.objects.select_for_update().filter(pk__in=list(replaces),
                                                              state=S.PENDING):
        _expire(pending, actor=officer, at=at, reason="paid in cash")
    payment = _create(
        agency_id=items[0].agency_id, amount=total, purpose=purpose, provider="cash",
        creator=officer, creator_key=f"user:{officer.pk}", key="", digest="", at=at,
        payer_name=payer_name, payer_phone=payer_phone, payer_email=payer_email,
        channel=Channel.COUNTER,
    )
    PaymentLine.objects.bulk_create(
        [PaymentLine(payment=payment, item=item, amount=item.amount) for item in items])
    _audit(payment, action="create", actor=officer, from_state="", at=at,
           data={"amount": total, **(audit_data or {"items": [i.pk for i in items]}),
                 "provider": "cash"})
    _settle(payment, provider="cash", txn="", amount=total, sandbox=False, actor=officer, at=at)
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


# ---- sweeps (periodic tasks) -----------------------------------------------------------------

def payment_expire_sweep(*, now: datetime.datetime) -> int:
    """Pending payments past their expiry become expired (a late success still settles)."""
    done = 0
    ids = list(Payment.objects.filter(state=S.PENDING, expires_at__lt=now)
               .values_list("reference", flat=True)[:1000])
    for reference in ids:
        with transaction.atomic():
            payment = (Payment.objects.select_for_update(skip_locked=True)
                       .filter(reference=reference, state=S.PENDING).first())
            if payment is None:
                continue
            _expire(payment, actor=None, at=now)
            done += 1
    return done


def gateway_query_sweep(*, now: datetime.datetime, older_than_minutes: int | None = None) -> int:
    """Ask the gateway about payments still pending a while after the payer was sent there.

    A lost IPN is thus made good; the answer goes through notice_apply like any
    notification, so a query racing a late IPN still settles once.
    """
    minutes = (older_than_minutes if older_than_minutes is not None
               else int(settings.ONESTOP_GATEWAY_QUERY_AFTER))
    cutoff = now - datetime.timedelta(minutes=minutes)
    handler = providers.get("gateway")
    applied = 0
    candidates = list(
        Payment.objects.filter(state__in=(S.PENDING, S.EXPIRED), provider="gateway",
                               created_at__lte=cutoff,
                               created_at__gte=now - datetime.timedelta(days=3))
        .exclude(last_queried_at__gt=cutoff).values_list("pk", "reference")[:200]
    )
    for pk, reference in candidates:
        Payment.objects.filter(pk=pk).update(last_queried_at=now)
        payment = Payment.objects.get(pk=pk)
        try:
            notice = handler.query(payment)
        except Exception:  # one gateway hiccup must not stop the sweep
            logger.exception("gateway query failed for %s", reference)
            continue
        if notice is None or notice.reference != reference:
            continue
        notice_apply(provider="gateway", notice=notice, body="(status query)", at=now)
        applied += 1
    return applied
