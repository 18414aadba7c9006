"""Reads of the bills hub (no writes)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Bill, Biller, BillerCallback
from .services import can_manage


def active_billers() -> list[Biller]:
    return list(Biller.objects.filter(is_active=True).order_by("kind", "name"))


def open_bills(*, biller_code: str, customer_code: str) -> list[Bill]:
    """A customer's open bills, for the public lookup (no account needed)."""
    code = customer_code.strip()
    if not code:
        return []
    return list(Bill.objects.filter(biller__code=biller_code, biller__is_active=True,
                                    customer_code=code, state=Bill.State.OPEN)
                .select_related("biller").order_by("due_date", "id")[:50])


def mask_name(name: str) -> str:
    """'Nguyễn Văn An' → 'N***** V** A*': enough for the payer to recognise, no more."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split() if word)


def billers_for(*, user: Any) -> list[Biller]:
    return [b for b in Biller.objects.select_related("agency").order_by("name")
            if can_manage(user, b)]


def recent_bills(*, biller: Biller) -> QuerySet[Bill]:
    return Bill.objects.filter(biller=biller).order_by("-created_at", "-id")


def callbacks_of(*, biller: Biller) -> QuerySet[BillerCallback]:
    return BillerCallback.objects.filter(biller=biller).select_related("bill", "payment")


def bill_of_payment(*, payment: Any) -> Bill | None:
    """The bill a payment pays (its payee is the biller), or None for a dossier fee."""
    return (Bill.objects.select_related("biller")
            .filter(fee_item__lines__payment=payment).order_by("pk").first())
