"""Creating payments: references, idempotency, a payment for open fee items, the payer's
choice of provider.

Payments knows fee items and payments, never what they pay for (onestop.payments.hooks): a
client app (dossiers, billing) locks its own row, then calls payment_for_items, which locks
the items, then the pending payments (docs/lock-order.md).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import audit_append
from onestop.core.clock import now_or
from onestop.core.errors import Conflict, ValidationFailed

from .. import providers
from ..models import Channel, FeeItem, Payment, PaymentLine
from ..transitions import Action, move

S = Payment.State
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
           reason: str = "", data: dict[str, Any] | None = None,
           to_state: str | None = None) -> None:
    audit_append(actor=actor, action=f"payment.{action}", object_type="payment",
                 object_id=payment.reference, from_state=from_state,
                 to_state=payment.state if to_state is None else to_state,
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
