"""Reads the payment pages need (no writes)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onestop.agencies.selectors import agencies_with_role, roles_of
from onestop.core.errors import NotFound

from .models import FeeItem, Payment, Receipt, Refund


def payment_by_reference(reference: str) -> Payment | None:
    return (Payment.objects.select_related("agency", "dossier__procedure_version")
            .filter(reference=reference.strip().upper()).first())


def payment_of_link(reference: str) -> Payment:
    """The payment a payment link (/thanh-toan/<reference>/) names: open to whoever holds the
    reference, as the link is sent to the payer; NotFound for a reference that does not exist."""
    payment = payment_by_reference(reference)
    if payment is None:
        raise NotFound(_("No payment has this reference."))
    return payment


def receipts_of(payment: Payment) -> list[Receipt]:
    return list(payment.receipts.order_by("sequence"))


def open_payment_for_dossier(*, dossier_id: int) -> Payment | None:
    """The pending payment of a dossier, for a 'pay now' link (portal, back office)."""
    return Payment.objects.filter(dossier_id=dossier_id, state=Payment.State.PENDING).order_by(
        "-created_at").first()


def fee_items_of(*, dossier_id: int) -> list[FeeItem]:
    return list(FeeItem.objects.filter(dossier_id=dossier_id).select_related("paid_by")
                .order_by("id"))


def payments_of_dossier(*, dossier_id: int) -> list[Payment]:
    return list(Payment.objects.filter(dossier_id=dossier_id).prefetch_related("receipts")
                .order_by("-created_at"))


def staff_agencies(*, user: Any) -> list[int]:
    return list(roles_of(user=user))


def payments_for(*, user: Any, state: str = "") -> QuerySet[Payment]:
    """Payments collected by the user's agencies, newest first."""
    rows = Payment.objects.filter(agency_id__in=staff_agencies(user=user)).select_related(
        "agency", "dossier")
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("-created_at", "-id")


def refunds_to_decide(*, user: Any) -> QuerySet[Refund]:
    leader_of = agencies_with_role(user=user, role="leader")
    return (Refund.objects.filter(state=Refund.State.REQUESTED)
            .filter(payment__agency_id__in=leader_of)
            .select_related("payment", "requested_by").order_by("requested_at")
            | Refund.objects.filter(state=Refund.State.REQUESTED,
                                    payment__dossier__handling_agency_id__in=leader_of)
            .select_related("payment", "requested_by")).distinct()


def online_payment_rate(*, agency_ids: list[int]) -> tuple[int, int]:
    """(settled online, settled in all) for the Decision 766 online-payment indicator."""
    settled = Payment.objects.filter(agency_id__in=agency_ids, settled_at__isnull=False)
    online = settled.exclude(provider="cash").exclude(channel="counter").count()
    return online, settled.count()
