"""What a dossier owes: fee items from the procedure version's fee schedule, exemptions."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from onestop.agencies.selectors import has_role
from onestop.catalog.models import Fee
from onestop.core.audit import audit_append
from onestop.core.clock import now_or
from onestop.core.errors import NotAllowed, ValidationFailed
from onestop.dossiers.models import Dossier

from ..models import FeeItem


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
        existing = list(FeeItem.objects.filter(dossier=dossier,
                                               source=FeeItem.Source.SCHEDULE))
        if existing:
            return existing
    items = []
    for fee in Fee.objects.filter(version_id=dossier.procedure_version_id).order_by("id"):
        quantity = copies if fee.kind == Fee.Kind.PER_COPY else 1
        items.append(FeeItem(
            agency_id=dossier.receiving_agency_id, dossier=dossier, source=FeeItem.Source.SCHEDULE,
            fee=fee, name=fee.name, unit_amount=fee.amount, quantity=quantity,
            amount=fee.amount * quantity, created_at=at,
        ))
    FeeItem.objects.bulk_create(items)
    return items


def obligation_add(*, dossier: Dossier, amount: int, name: str,
                   at: datetime.datetime | None = None) -> FeeItem:
    """A financial obligation set during processing (tax, charge): one more open item."""
    if type(amount) is not int or amount <= 0:
        raise ValidationFailed(_("The amount must be a positive whole number of đồng."))
    return FeeItem.objects.create(
        agency_id=dossier.receiving_agency_id, dossier=dossier, source=FeeItem.Source.OBLIGATION,
        name=name or str(_("Financial obligation")), unit_amount=amount, quantity=1,
        amount=amount, created_at=now_or(at),
    )


def open_items(*, dossier_id: int) -> list[FeeItem]:
    return list(FeeItem.objects.filter(dossier_id=dossier_id, state=FeeItem.State.OPEN,
                                       amount__gt=0).order_by("id"))


def outstanding(*, dossier_id: int) -> int:
    """What the dossier still owes, in đồng (open items; exempt and paid ones excluded)."""
    total = FeeItem.objects.filter(dossier_id=dossier_id, state=FeeItem.State.OPEN).aggregate(
        total=Sum("amount"))["total"]
    return int(total or 0)


def _lock_item(item_id: int) -> FeeItem:
    try:
        return FeeItem.objects.select_for_update(of=("self",)).select_related("dossier").get(
            pk=item_id)
    except FeeItem.DoesNotExist as exc:
        raise ValidationFailed(_("This fee item does not exist.")) from exc


def _check_officer(officer: Any, item: FeeItem) -> None:
    if officer is None or not has_role(user=officer, agency_id=item.agency_id, role="officer"):
        raise NotAllowed(_("Only a one-stop officer of the collecting agency can do this."))


@transaction.atomic
def fee_item_exempt(*, item_id: int, officer: Any, reason: str,
                    at: datetime.datetime | None = None) -> FeeItem:
    """Exempt an open item (e.g. a fee waived by law for this applicant) with a reason."""
    at = now_or(at)
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for the exemption."))
    item = _lock_item(item_id)
    _check_officer(officer, item)
    if item.state != FeeItem.State.OPEN:
        raise ValidationFailed(_("Only an item still to pay can be exempted."))
    item.state = FeeItem.State.EXEMPT
    item.exempt_reason = reason.strip()[:300]
    item.decided_by = officer
    item.decided_at = at
    item.save(update_fields=["state", "exempt_reason", "decided_by", "decided_at"])
    audit_append(actor=officer, action="fee_item.exempt", object_type="fee_item",
                 object_id=item.pk, from_state="open", to_state="exempt", reason=item.exempt_reason,
                 data={"amount": item.amount, "dossier": item.dossier_id}, at=at)
    _release_dossier_if_paid(item.dossier_id, actor=officer, at=at, reference="")
    return item


@transaction.atomic
def fee_item_set_quantity(*, item_id: int, officer: Any, quantity: int,
                          at: datetime.datetime | None = None) -> FeeItem:
    """Copies of the result asked for: a per-copy fee is charged that many times."""
    at = now_or(at)
    if type(quantity) is not int or quantity < 1:
        raise ValidationFailed(_("The number of copies must be a whole number of at least 1."))
    item = _lock_item(item_id)
    _check_officer(officer, item)
    if item.state != FeeItem.State.OPEN or item.lines.filter(
        payment__state__in=("pending", "flagged")
    ).exists():
        raise ValidationFailed(_("This item is already being paid; its quantity is fixed."))
    old = item.quantity
    item.quantity = quantity
    item.amount = item.unit_amount * quantity
    item.save(update_fields=["quantity", "amount"])
    audit_append(actor=officer, action="fee_item.quantity", object_type="fee_item",
                 object_id=item.pk, data={"from": old, "to": quantity, "amount": item.amount},
                 at=at)
    return item


def _release_dossier_if_paid(dossier_id: int | None, *, actor: Any, at: datetime.datetime,
                             reference: str) -> bool:
    """Status 6 → 4 once nothing is owed any more, in the caller's transaction."""
    if dossier_id is None:
        return False
    from onestop.dossiers.models import Status
    from onestop.dossiers.services.payment import dossier_payment_received

    status = Dossier.objects.values_list("status", flat=True).get(pk=dossier_id)
    if status != Status.AWAITING_PAYMENT or outstanding(dossier_id=dossier_id) > 0:
        return False
    dossier_payment_received(dossier_id=dossier_id, actor=actor, reference=reference, at=at,
                             system=True)
    return True
