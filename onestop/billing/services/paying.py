"""Paying a bill through the payments core: the payment for an open bill, and the hooks
the payments core calls (lock the bill before the payment; mark it paid and write the
biller's callback row in the settle transaction)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import audit_append
from onestop.core.errors import ValidationFailed
from onestop.payments import services as pay
from onestop.payments.models import Payment

from ..models import Bill, BillerCallback


def bill_payment_start(*, bill_id: int, customer_code: str, provider: str = "vietqr",
                       payer_email: str = "", creator_key: str = "",
                       at: datetime.datetime | None = None) -> Payment:
    """A payment for one open bill (reused while pending), for the citizen pay page.

    The customer code must match: knowing a bill's id alone does not open its payment.
    """
    bill = (Bill.objects.select_related("biller").filter(
        pk=bill_id, customer_code=customer_code.strip()).first())
    if bill is None or bill.state != Bill.State.OPEN or not bill.biller.is_active:
        raise ValidationFailed(_("This bill is not open for payment."))
    purpose = str(_("Bill %(number)s of %(biller)s") % {"number": bill.number,
                                                          "biller": bill.biller.name})
    created = pay.payment_for_items(
        item_ids=[bill.fee_item_id], purpose=purpose, provider=provider,
        creator_key=creator_key or f"bill:{bill.pk}", payer_name=bill.customer_name,
        payer_email=payer_email, at=at)
    return created.payment


def lock_for_payment(payment_id: int) -> None:
    """Lock hook (payments core): the bills a payment covers are locked before the payment,
    as a bill import locks them before their fee items (docs/lock-order.md)."""
    list(Bill.objects.select_for_update(of=("self",)).filter(fee_item__lines__payment_id=payment_id)
         .order_by("pk").values_list("pk", flat=True))


def on_payment_settled(payment: Payment, at: datetime.datetime, actor: Any = None) -> None:
    """Settle hook (payments core): the bills this payment covers are paid, and each
    biller gets a callback row, in the settle transaction itself."""
    bills = list(Bill.objects.select_for_update().select_related("biller").filter(
        fee_item__lines__payment=payment))
    for bill in bills:
        if bill.state == Bill.State.PAID:
            continue
        bill.state = Bill.State.PAID
        bill.paid_by = payment
        bill.save(update_fields=["state", "paid_by", "updated_at"])
        audit_append(actor=None, action="bill.paid", object_type="bill",
                     object_id=f"{bill.biller.code}/{bill.number}", from_state="open",
                     to_state="paid", data={"payment": payment.reference}, at=at)
        if bill.biller.callback_url:
            callback = BillerCallback.objects.create(
                biller=bill.biller, bill=bill, payment=payment,
                body=_callback_body(bill, payment, at), next_attempt_at=at, created_at=at)
            _enqueue(callback.pk)


def _callback_body(bill: Bill, payment: Payment, at: datetime.datetime) -> str:
    receipt = payment.receipts.filter(kind="payment").first()
    return json.dumps({
        "event": "bill.paid", "biller": bill.biller.code, "bill_number": bill.number,
        "customer_code": bill.customer_code, "amount": payment.paid_amount,
        "payment_reference": payment.reference, "provider": payment.provider,
        "receipt_number": receipt.number if receipt else "", "paid_at": at.isoformat(),
        "sandbox": payment.sandbox,
    }, ensure_ascii=False, sort_keys=True)


def _enqueue(callback_id: int) -> None:
    """As the receipt e-mail: with the database task backend the task row is written in the
    settle transaction (an outbox); otherwise enqueued on commit. The sweep catches the rest."""
    from ..tasks import biller_callback_task

    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        biller_callback_task.enqueue(callback_id)
    else:
        transaction.on_commit(lambda: biller_callback_task.enqueue(callback_id), robust=True)
