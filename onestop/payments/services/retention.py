"""How long refused notifications are kept (issue 17 item 12).

A notification with a bad signature proves nothing and settles nothing; it is logged (who
tried what, for an investigation) and kept ONESTOP_FORGED_NOTIFICATION_DAYS days, then purged
by the periodic `payments_forged_purge` job, so a flood of forgeries cannot grow the table
without limit. Verified notifications (every outcome but FORGED) are kept for good: they are
the record of the money.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction

from onestop.core.audit import audit_append
from onestop.core.clock import now_or

from ..models import PaymentNotification

BATCH = 5000


def forged_notifications_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete forged notifications older than the retention period; how many went.

    In batches, each its own transaction with its audit event, so a long backlog never holds
    one long lock and two workers running it at once only share the work.
    """
    now = now_or(now)
    before = now - datetime.timedelta(days=int(settings.ONESTOP_FORGED_NOTIFICATION_DAYS))
    total = 0
    while True:
        with transaction.atomic():
            ids = list(PaymentNotification.objects.filter(
                outcome=PaymentNotification.Outcome.FORGED, signature_valid=False,
                received_at__lt=before).order_by("id").values_list("id", flat=True)[:BATCH])
            if not ids:
                return total
            deleted, _by_model = PaymentNotification.objects.filter(
                pk__in=ids, outcome=PaymentNotification.Outcome.FORGED).delete()
            total += deleted
            audit_append(actor=None, action="payment.forged_purged",
                         object_type="payment_notification", object_id=ids[-1], at=now,
                         data={"deleted": deleted, "received_before": before,
                               "first_id": ids[0], "last_id": ids[-1]})
