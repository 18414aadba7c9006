"""Every write of the payments app goes through one of these functions (one transaction each).

Payments knows fee items and payments, never what they pay for: the apps it collects for
(dossiers, billing) call these and register their hooks in onestop.payments.hooks.
"""

from .creation import (
    Created,
    IdempotencyMismatch,
    idempotent_replay,
    new_reference,
    payment_choose_provider,
    payment_for_items,
)
from .fees import fee_item_exempt, fee_item_set_quantity
from .officers import Decision, payment_record_cash, payment_resolve_flagged
from .receipts import (
    next_receipt_number,
    receipt_email_send,
    receipt_email_sweep,
    render_receipt_pdf,
)
from .refunds import refund_approve, refund_reject, refund_request
from .retention import forged_notifications_purge
from .settlement import Received, notice_apply, notification_receive
from .sweeps import gateway_query_sweep, payment_expire_sweep

__all__ = [
    "Created", "Decision", "IdempotencyMismatch", "Received",
    "fee_item_exempt", "fee_item_set_quantity", "forged_notifications_purge",
    "gateway_query_sweep", "idempotent_replay",
    "new_reference", "next_receipt_number", "notice_apply", "notification_receive",
    "payment_choose_provider", "payment_expire_sweep", "payment_for_items",
    "payment_record_cash", "payment_resolve_flagged", "receipt_email_send",
    "receipt_email_sweep", "refund_approve", "refund_reject", "refund_request",
    "render_receipt_pdf",
]
# E-receipts (issue 15): kept apart so the list above stays as it is.
from .ereceipts import (  # noqa: E402
    printed_number,
    receipt_cancel,
    receipt_replace,
    receipt_sign,
    receipt_sign_sweep,
    signed_receipt_pdf,
)

__all__ += ["printed_number", "receipt_cancel", "receipt_replace", "receipt_sign",
            "receipt_sign_sweep", "signed_receipt_pdf"]
