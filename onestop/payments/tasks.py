"""Background work of payments (django-tasks; run by `onestop worker`). Thin: one service each."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from . import services


@task()
def receipt_email_task(receipt_id: int) -> bool:
    """E-mail one receipt (idempotent: a receipt already e-mailed is not sent again)."""
    return services.receipt_email_send(receipt_id=receipt_id)


@task()
def forged_purge_task() -> int:
    """Periodic: purge forged notifications past ONESTOP_FORGED_NOTIFICATION_DAYS."""
    return services.forged_notifications_purge(now=timezone.now())


@task()
def receipt_sign_task(receipt_id: int) -> bool:
    """Sign one receipt's XML and PDF (idempotent: a signed receipt is left as it is)."""
    return services.receipt_sign(receipt_id=receipt_id).signed_at is not None


@task()
def payments_sweep_task() -> dict[str, int]:
    """Periodic: expire old pending payments, query the gateway, re-send unsent receipts,
    sign again the receipts whose signing failed."""
    now = timezone.now()
    return {
        "queried": services.gateway_query_sweep(now=now),
        "expired": services.payment_expire_sweep(now=now),
        "receipts_requeued": services.receipt_email_sweep(now=now),
        "receipts_signed_again": services.receipt_sign_sweep(now=now),
    }
