"""Reads of what a dossier owes and how it was paid (the links are the dossier's)."""

from __future__ import annotations

from django.db.models import QuerySet

from onestop.payments.models import FeeItem, Payment

from ..models import Dossier, DossierPayment


def fee_items_of(*, dossier_id: int) -> list[FeeItem]:
    return list(FeeItem.objects.filter(dossier_link__dossier_id=dossier_id)
                .select_related("paid_by").order_by("id"))


def payments_of_dossier(*, dossier_id: int) -> list[Payment]:
    return list(Payment.objects.filter(dossier_link__dossier_id=dossier_id)
                .prefetch_related("receipts").order_by("-created_at"))


def open_payment_for_dossier(*, dossier_id: int) -> Payment | None:
    """The pending payment of a dossier, for a 'pay now' link (portal, back office)."""
    return Payment.objects.filter(dossier_link__dossier_id=dossier_id,
                                  state=Payment.State.PENDING).order_by("-created_at").first()


def dossier_of_payment(payment: Payment) -> Dossier | None:
    """The dossier a payment pays for, or None (a bill, a stall fee)."""
    link = (DossierPayment.objects.select_related("dossier__procedure_version")
            .filter(payment_id=payment.pk).first())
    return link.dossier if link else None


def with_dossiers(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    """A list of payments with the dossier each pays for (`payment.dossier_link.dossier`)."""
    return payments.select_related("dossier_link__dossier")
