"""Admin: read-mostly views of payments; the append-only notification log is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import FeeItem, Payment, PaymentNotification, Receipt, Refund


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ("reference", "agency", "purpose", "amount", "provider", "state", "sandbox",
                    "created_at", "settled_at")
    list_filter = ("state", "provider", "sandbox", "channel")
    # The purpose names what is paid ("Fees of dossier <code>", "Bill <number> of …").
    search_fields = ("reference", "provider_txn_id", "purpose", "payer_name")


@admin.register(PaymentNotification)
class PaymentNotificationAdmin(ReadOnly):
    list_display = ("received_at", "provider", "reference", "provider_txn_id", "amount",
                    "signature_valid", "sandbox", "outcome")
    list_filter = ("provider", "outcome", "signature_valid", "sandbox")
    search_fields = ("reference", "provider_txn_id")


@admin.register(Receipt)
class ReceiptAdmin(ReadOnly):
    list_display = ("number", "kind", "payment", "amount", "issued_at", "emailed_at")
    search_fields = ("number", "payment__reference")


@admin.register(FeeItem)
class FeeItemAdmin(ReadOnly):
    list_display = ("name", "agency", "amount", "state", "paid_by")
    list_filter = ("state", "source")


@admin.register(Refund)
class RefundAdmin(ReadOnly):
    list_display = ("payment", "amount", "state", "requested_by", "decided_by")
    list_filter = ("state",)
