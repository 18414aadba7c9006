"""Every write of the payments app goes through one of these functions (one transaction each)."""

from .fees import (
    fee_item_exempt,
    fee_item_set_quantity,
    fees_for_dossier,
    obligation_add,
    open_items,
    outstanding,
)
from .payments import (
    Created,
    Decision,
    IdempotencyMismatch,
    Received,
    gateway_query_sweep,
    new_reference,
    notice_apply,
    notification_receive,
    payment_choose_provider,
    payment_expire_sweep,
    payment_for_dossier,
    payment_for_items,
    payment_record_cash,
    payment_resolve_flagged,
    register_settle_hook,
)
from .receipts import (
    next_receipt_number,
    receipt_email_send,
    receipt_email_sweep,
    render_receipt_pdf,
)
from .refunds import refund_approve, refund_reject, refund_request

__all__ = [
    "Created", "Decision", "IdempotencyMismatch", "Received",
    "fee_item_exempt", "fee_item_set_quantity", "fees_for_dossier", "gateway_query_sweep",
    "new_reference", "next_receipt_number", "notice_apply", "notification_receive",
    "obligation_add", "open_items", "outstanding", "payment_choose_provider",
    "payment_expire_sweep", "payment_for_dossier", "payment_for_items", "payment_record_cash",
    "payment_resolve_flagged", "receipt_email_send", "receipt_email_sweep", "refund_approve",
    "register_settle_hook",
    "refund_reject", "refund_request", "render_receipt_pdf",
]
