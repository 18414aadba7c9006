"""Reads the payment pages need (no writes)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onestop.agencies.selectors import agencies_with_role, roles_of
from onestop.core.errors import NotFound

from . import hooks
from .models import Payment, Receipt, Refund


def payment_by_reference(reference: str) -> Payment | None:
    return (Payment.objects.select_related("agency")
            .filter(reference=reference.strip().upper()).first())


def payment_of_link(reference: str) -> Payment:
    """The payment a payment link (/thanh-toan/<reference>/) names: open to whoever holds the
    reference, as the link is sent to the payer; NotFound for a reference that does not exist."""
    payment = payment_by_reference(reference)
    if payment is None:
        raise NotFound(_("No payment has this reference."))
    return payment


def receipts_of(payment: Payment) -> list[Receipt]:
    return list(payment.receipts.select_related("replaces").order_by("sequence"))


def staff_agencies(*, user: Any) -> list[int]:
    return list(roles_of(user=user))


def payments_for(*, user: Any, state: str = "") -> QuerySet[Payment]:
    """Payments collected by the user's agencies, newest first."""
    rows = Payment.objects.filter(agency_id__in=staff_agencies(user=user)).select_related(
        "agency")
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("-created_at", "-id")


def refunds_to_decide(*, user: Any) -> list[Refund]:
    """Refunds waiting for a leader of the user's agencies: the collecting agency, or one the
    client app names (a dossier's competent agency, onestop.payments.hooks)."""
    leader_of = set(agencies_with_role(user=user, role="leader"))
    waiting = list(Refund.objects.filter(state=Refund.State.REQUESTED)
                   .select_related("payment", "requested_by").order_by("requested_at", "id"))
    others = hooks.refund_agencies({r.payment_id for r in waiting})
    return [r for r in waiting if r.payment.agency_id in leader_of
            or others.get(r.payment_id, set()) & leader_of]


def online_payment_rate(*, agency_ids: list[int]) -> tuple[int, int]:
    """(settled online, settled in all) for the Decision 766 online-payment indicator."""
    settled = Payment.objects.filter(agency_id__in=agency_ids, settled_at__isnull=False)
    online = settled.exclude(provider="cash").exclude(channel="counter").count()
    return online, settled.count()


def receipt_by_number(*, number: str) -> Receipt | None:
    """A receipt by its number (the public verification page shows whether it is still in
    force, cancelled, or replaced and by which)."""
    return (Receipt.objects.select_related("replaced_by", "replaces")
            .filter(number=number[:40]).first())
