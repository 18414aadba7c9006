"""Fee items: exemptions and quantities, for whichever app owns the item.

Which items a dossier owes, from its procedure version's fee schedule, and what they mean for
the dossier (status 6) live in onestop.dossiers.services.fees; a bill's item in billing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.agencies.selectors import has_role
from onestop.core.audit import audit_append
from onestop.core.clock import now_or
from onestop.core.errors import NotAllowed, ValidationFailed

from ..models import FeeItem


def _lock_item(item_id: int) -> FeeItem:
    try:
        return FeeItem.objects.select_for_update().get(pk=item_id)
    except FeeItem.DoesNotExist as exc:
        raise ValidationFailed(_("This fee item does not exist.")) from exc


def _check_officer(officer: Any, item: FeeItem) -> None:
    if officer is None or not has_role(user=officer, agency_id=item.agency_id, role="officer"):
        raise NotAllowed(_("Only a one-stop officer of the collecting agency can do this."))


@transaction.atomic
def fee_item_exempt(*, item_id: int, officer: Any, reason: str,
                    audit_data: dict[str, Any] | None = None,
                    at: datetime.datetime | None = None) -> FeeItem:
    """Exempt an open item (e.g. a fee waived by law for this applicant) with a reason.

    The owner app wraps this with its own consequences (a dossier's: it may move on, see
    onestop.dossiers.services.fees.fee_item_exempt), having locked its row first.
    """
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
                 data={"amount": item.amount, **(audit_data or {})}, at=at)
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
