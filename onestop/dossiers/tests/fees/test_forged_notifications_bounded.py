"""Issue 17 item 12: forged notifications cannot pile up without limit.

The unauthenticated partner endpoints count requests per address in the shared limiter
(core.ratelimit); forged notifications are kept ONESTOP_FORGED_NOTIFICATION_DAYS, then
purged by a periodic job.
"""

from __future__ import annotations

import datetime
import json

from django.urls import reverse
from django.utils import timezone

from onestop.core.models import AuditEvent
from onestop.core.scheduler import _REGISTRY
from onestop.payments import services
from onestop.payments.models import PaymentNotification
from onestop.payments.providers import vietqr
from onestop.payments.tasks import forged_purge_task

Out = PaymentNotification.Outcome


def _forged(client, n: int = 1, **extra):
    body = json.dumps({"transaction_id": f"FT{n}", "amount": 1000,
                       "reference": "OS-NOPE"}).encode()
    return client.post(reverse("partners:payment_webhook", args=["vietqr"]), data=body,
                       content_type="application/json",
                       headers={"X-Signature": vietqr.sign(body, key=b"guess")}, **extra)


def test_the_webhook_endpoint_is_limited_per_address(db, client, settings):
    settings.ONESTOP_WEBHOOK_RATE_LIMIT = 3
    settings.ONESTOP_REDIS_URL = ""  # counted in the database, shared by every process
    assert [_forged(client, n).status_code for n in range(4)] == [401, 401, 401, 429]
    limited = _forged(client, 9)
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert PaymentNotification.objects.count() == 3  # nothing stored once limited
    assert _forged(client, 10, REMOTE_ADDR="198.51.100.4").status_code == 401  # another bank


def test_the_biller_push_shares_the_per_address_limit(db, client, settings):
    settings.ONESTOP_WEBHOOK_RATE_LIMIT = 2
    codes = [client.post("/billing/api/bills", data="[]", content_type="application/json",
                         headers={"Authorization": f"Bearer guess-{n}"}).status_code
             for n in range(3)]
    assert codes == [401, 401, 429]


def test_forged_notifications_are_purged_after_the_retention_period(world, client, settings):
    settings.ONESTOP_FORGED_NOTIFICATION_DAYS = 30
    for n in range(3):
        _forged(client, n)
    payment = world.payment(world.receive())
    body = json.dumps({"transaction_id": "FT-REAL", "amount": payment.amount,
                       "reference": payment.reference}).encode()
    client.post(reverse("partners:payment_webhook", args=["vietqr"]), data=body,
                content_type="application/json", headers={"X-Signature": vietqr.sign(body)})
    now = timezone.now()
    old = PaymentNotification.objects.filter(outcome=Out.FORGED).order_by("id")[:2]
    PaymentNotification.objects.filter(pk__in=[n.pk for n in old]).update(
        received_at=now - datetime.timedelta(days=31))
    assert services.forged_notifications_purge(now=now) == 2
    left = sorted(PaymentNotification.objects.values_list("outcome", flat=True))
    assert left == sorted([Out.FORGED, Out.SETTLED])  # the recent forgery and the real one
    event = AuditEvent.objects.get(action="payment.forged_purged")
    assert event.data["deleted"] == 2
    assert services.forged_notifications_purge(now=now) == 0  # idempotent


def test_the_purge_is_a_registered_periodic_job():
    job = _REGISTRY["payments_forged_purge"]
    assert job.task is forged_purge_task and job.every == 3600
