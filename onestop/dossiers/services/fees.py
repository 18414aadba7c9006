"""What a dossier owes and how it is paid: a client of the payments core, like billing.

Fee items come from the procedure version's fee schedule at receipt (and obligations set in
processing); the dossier keeps its links to them and to its payments (DossierFeeItem,
DossierPayment): payments knows nothing of dossiers. Every service here locks the dossier
first, then lets payments lock the items and payments (docs/lock-order.md). The hooks at
the end are registered in DossiersConfig.ready(): when a payment settles, the dossier
waiting in status 6 moves on in the settle transaction itself.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from onestop.agencies.selectors import has_role
from onestop.catalog.models import Fee
from onestop.core.clock import now_or
from onestop.core.errors import NotAllowed, ValidationFailed
from onestop.payments import services as pay
from onestop.payments.hooks import Subject
from onestop.payments.models import FeeItem, Payment

from ..models import Dossier, DossierFeeItem, DossierPayment, Status

# ---- what is owed ------------------------------------------------------------------------------


def _link_items(dossier: Dossier, items: list[FeeItem]) -> None:
    DossierFeeItem.objects.bulk_create([DossierFeeItem(dossier=dossier, item=i) for i in items])


def fees_for_dossier(*, dossier: Dossier, at: datetime.datetime | None = None,
                     copies: int = 1, just_received: bool = False) -> list[FeeItem]:
    """Create the dossier's fee items from its procedure version's fees (once).

    Runs inside the receipt transaction (onestop.dossiers.services.intake): the items exist
    exactly when the dossier is received. Fixed fees count once; per-copy fees count
    `copies` times (1 unless the officer changes the quantity later).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("fee items are created inside the receipt transaction")
    at = now_or(at)
    # `just_received`: the receipt transaction itself, where the transitions table already
    # guarantees a dossier is received once, so there is nothing to look for.
    if not just_received:
        existing = list(FeeItem.objects.filter(dossier_link__dossier=dossier,
                                               source=FeeItem.Source.SCHEDULE))
        if existing:
            return existing
    items = []
    for fee in Fee.objects.filter(version_id=dossier.procedure_version_id).order_by("id"):
        quantity = copies if fee.kind == Fee.Kind.PER_COPY else 1
        items.append(FeeItem(
            agency_id=dossier.receiving_agency_id, source=FeeItem.Source.SCHEDULE,
            fee=fee, name=fee.name, unit_amount=fee.amount, quantity=quantity,
            amount=fee.amount * quantity, created_at=at,
        ))
    FeeItem.objects.bulk_create(items)
    _link_items(dossier, items)
    return items


def obligation_add(*, dossier: Dossier, amount: int, name: str,
                   at: datetime.datetime | None = None) -> FeeItem:
    """A financial obligation set during processing (tax, charge): one more open item."""
    if type(amount) is not int or amount <= 0:
        raise ValidationFailed(_("The amount must be a positive whole number of đồng."))
    item = FeeItem.objects.create(
        agency_id=dossier.receiving_agency_id, source=FeeItem.Source.OBLIGATION,
        name=name or str(_("Financial obligation")), unit_amount=amount, quantity=1,
        amount=amount, created_at=now_or(at),
    )
    _link_items(dossier, [item])
    return item


def open_items(*, dossier_id: int) -> list[FeeItem]:
    return list(FeeItem.objects.filter(dossier_link__dossier_id=dossier_id,
                                       state=FeeItem.State.OPEN, amount__gt=0).order_by("id"))


def outstanding(*, dossier_id: int) -> int:
    """What the dossier still owes, in đồng (open items; exempt and paid ones excluded)."""
    total = FeeItem.objects.filter(dossier_link__dossier_id=dossier_id,
                                   state=FeeItem.State.OPEN).aggregate(
        total=Sum("amount"))["total"]
    return int(total or 0)


def _lock(dossier_id: int) -> Dossier:
    dossier = (Dossier.objects.select_for_update(of=("self",)).select_related("receiving_agency")
               .filter(pk=dossier_id).first())
    if dossier is None:
        raise ValidationFailed(_("This dossier does not exist."))
    return dossier


def _pending_ids(dossier: Dossier) -> list[int]:
    return list(DossierPayment.objects.filter(
        dossier=dossier, payment__state=Payment.State.PENDING).values_list("payment_id", flat=True))


def _purpose_for(dossier: Dossier) -> str:
    return str(_("Fees of dossier %(code)s") % {"code": dossier.code or dossier.pk})


def _link_payment(dossier: Dossier, payment: Payment, items: list[FeeItem]) -> None:
    purpose = (DossierPayment.Purpose.OBLIGATION
               if any(i.source == FeeItem.Source.OBLIGATION for i in items)
               else DossierPayment.Purpose.FEES)
    DossierPayment.objects.create(dossier=dossier, payment=payment, purpose=purpose)


# ---- paying ------------------------------------------------------------------------------------

@transaction.atomic
def payment_for_dossier(
    *, dossier_id: int, provider: str = "vietqr", creator: Any | None = None,
    creator_key: str = "", idempotency_key: str = "", payer_email: str = "",
    at: datetime.datetime | None = None,
) -> pay.Created:
    """A payment for everything the dossier still owes (its open fee items).

    Idempotent twice over (onestop.payments.services.payment_for_items): the same
    Idempotency-Key with the same request returns the same payment, and without a key a
    pending payment for exactly the same items is reused, so reloading the page never
    multiplies references. A pending payment for other items (the fees changed) is expired.
    Locks the dossier, then payments locks the items and the pending payments.
    """
    at = now_or(at)
    request = {"dossier": dossier_id, "provider": provider, "email": payer_email}
    replay = pay.idempotent_replay(creator=creator, creator_key=creator_key,
                                   idempotency_key=idempotency_key, request=request)
    if replay is not None:
        return replay
    dossier = _lock(dossier_id)
    if not dossier.code:
        raise ValidationFailed(_("Fees are paid once the dossier has been received."))
    items = open_items(dossier_id=dossier.pk)
    if not items:
        raise ValidationFailed(_("Nothing is owed on this dossier."))
    created = pay.payment_for_items(
        item_ids=[i.pk for i in items], purpose=_purpose_for(dossier), provider=provider,
        creator=creator, creator_key=creator_key, idempotency_key=idempotency_key,
        payer_name=dossier.applicant_name, payer_phone=dossier.applicant_phone,
        payer_email=payer_email or dossier.applicant_email, request=request,
        replaces=_pending_ids(dossier), audit_data={"dossier": dossier.code}, at=at,
    )
    if created.created:
        _link_payment(dossier, created.payment, items)
    return created


@transaction.atomic
def payment_record_cash(*, dossier_id: int, officer: Any, amount: int, receipt_email: str = "",
                        at: datetime.datetime | None = None) -> Payment:
    """Cash handed over at the counter for everything the dossier owes (never 'online')."""
    at = now_or(at)
    if type(amount) is not int or amount <= 0:
        raise ValidationFailed(_("The amount must be a positive whole number of đồng."))
    dossier = _lock(dossier_id)
    if officer is None or not has_role(user=officer, agency_id=dossier.receiving_agency_id,
                                       role="officer"):
        raise NotAllowed(_("Only a one-stop officer of the receiving centre records cash."))
    items = open_items(dossier_id=dossier.pk)
    total = sum(item.amount for item in items)
    if not items:
        raise ValidationFailed(_("Nothing is owed on this dossier."))
    if amount != total:
        raise ValidationFailed(_("The dossier owes %(total)s đồng; record exactly that amount."),
                               total=f"{total:,}".replace(",", "."))
    payment = pay.payment_record_cash(
        item_ids=[i.pk for i in items], officer=officer, amount=amount,
        purpose=_purpose_for(dossier), payer_name=dossier.applicant_name,
        payer_phone=dossier.applicant_phone,
        payer_email=receipt_email or dossier.applicant_email,
        replaces=_pending_ids(dossier), audit_data={"dossier": dossier.code}, at=at,
    )
    # Settled inside, before this link existed: the dossier moves on here, same transaction.
    _link_payment(dossier, payment, items)
    release_if_paid(dossier.pk, actor=officer, at=at, reference=payment.reference)
    return payment


# ---- exemptions --------------------------------------------------------------------------------

@transaction.atomic
def fee_item_exempt(*, item_id: int, officer: Any, reason: str,
                    at: datetime.datetime | None = None) -> FeeItem:
    """Exempt an open item of a dossier with a reason; once nothing is owed, a dossier
    waiting in status 6 moves on. Locks the dossier, then the item."""
    at = now_or(at)
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for the exemption."))
    dossier_id = (DossierFeeItem.objects.filter(item_id=item_id)
                  .values_list("dossier_id", flat=True).first())
    if dossier_id is not None:
        _lock(dossier_id)
    item = pay.fee_item_exempt(item_id=item_id, officer=officer, reason=reason,
                               audit_data={"dossier": dossier_id}, at=at)
    if dossier_id is not None:
        release_if_paid(dossier_id, actor=officer, at=at, reference="")
    return item


def release_if_paid(dossier_id: int, *, actor: Any, at: datetime.datetime,
                    reference: str) -> bool:
    """Status 6 → 4 once nothing is owed any more, in the caller's transaction (the dossier
    already locked)."""
    from .payment import dossier_payment_received

    status = Dossier.objects.values_list("status", flat=True).get(pk=dossier_id)
    if status != Status.AWAITING_PAYMENT or outstanding(dossier_id=dossier_id) > 0:
        return False
    dossier_payment_received(dossier_id=dossier_id, actor=actor, reference=reference, at=at,
                             system=True)
    return True


# ---- hooks of the payments core (registered in DossiersConfig.ready) ---------------------------

def _dossier_of(payment_id: int) -> int | None:
    return (DossierPayment.objects.filter(payment_id=payment_id)
            .values_list("dossier_id", flat=True).first())


def lock_for_payment(payment_id: int) -> None:
    """Lock hook: a payment of a dossier is settled with the dossier locked first."""
    dossier_id = _dossier_of(payment_id)
    if dossier_id is not None:
        list(Dossier.objects.select_for_update(of=("self",)).filter(pk=dossier_id)
             .values_list("pk", flat=True))


def on_payment_settled(payment: Payment, at: datetime.datetime, actor: Any) -> None:
    """Settle hook: the dossier waiting in status 6 moves on once nothing is owed."""
    dossier_id = _dossier_of(payment.pk)
    if dossier_id is not None:
        release_if_paid(dossier_id, actor=actor, at=at, reference=payment.reference)


def subject_of_payment(payment: Payment) -> Subject | None:
    """Subject hook: "Hồ sơ: <code>" on the receipt and in the officers' notice."""
    link = DossierPayment.objects.select_related("dossier").filter(payment_id=payment.pk).first()
    if link is None:
        return None
    return Subject(code=link.dossier.code or "", record=link.dossier)


def refund_agencies_of(payment_ids: list[int]) -> list[tuple[int, int]]:
    """Refund hook: the dossier's competent agency's leaders also decide its refunds."""
    return list(DossierPayment.objects.filter(payment_id__in=payment_ids)
                .values_list("payment_id", "dossier__handling_agency_id"))
