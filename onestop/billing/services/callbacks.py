"""Delivering callbacks to billers: signed POSTs, retried with back-off, one worker at a time."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import urllib.error
import urllib.request

from django.utils import timezone

from onestop.core.clock import now_or

from ..models import BillerCallback

logger = logging.getLogger(__name__)


SIGNATURE_HEADER = "X-Signature"
CALLBACK_TIMEOUT = 10  # seconds
CALLBACK_LEASE = datetime.timedelta(minutes=5)  # a worker's claim on one delivery
CALLBACK_MAX_ATTEMPTS = 25  # back-off doubles up to 6 hours: about four days of retries


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4 … minutes after each failure, at most 6 hours."""
    return datetime.timedelta(seconds=min(60 * 2 ** max(0, attempts - 1), 6 * 3600))


def callback_deliver(*, callback_id: int, now: datetime.datetime | None = None) -> bool:
    """Try one delivery if it is due; True once the biller acknowledged it (2xx).

    The row is claimed by a conditional UPDATE (next attempt pushed a lease ahead), so two
    workers never post the same callback at once; no transaction is held during the POST.
    """
    now = now_or(now)
    claimed = BillerCallback.objects.filter(
        pk=callback_id, state=BillerCallback.State.PENDING, next_attempt_at__lte=now,
    ).update(next_attempt_at=now + CALLBACK_LEASE)
    if not claimed:
        return False
    callback = BillerCallback.objects.select_related("biller").get(pk=callback_id)
    body = callback.body.encode()
    request = urllib.request.Request(
        callback.biller.callback_url, data=body, method="POST",
        headers={"Content-Type": "application/json", SIGNATURE_HEADER:
                 sign(body, callback.biller.callback_secret),
                 "X-Callback-Id": str(callback.pk)})
    status: int | None = None
    error = ""
    try:
        with urllib.request.urlopen(request, timeout=CALLBACK_TIMEOUT) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = str(exc)[:300]
    attempts = callback.attempts + 1
    if status is not None and 200 <= status < 300:
        BillerCallback.objects.filter(pk=callback_id).update(
            state=BillerCallback.State.DELIVERED, attempts=attempts, last_status=status,
            last_error="", delivered_at=timezone.now())
        return True
    logger.warning("biller callback %s failed: %s", callback_id, error or status)
    BillerCallback.objects.filter(pk=callback_id).update(
        attempts=attempts, last_status=status, last_error=error,
        state=(BillerCallback.State.GAVE_UP if attempts >= CALLBACK_MAX_ATTEMPTS
               else BillerCallback.State.PENDING),
        next_attempt_at=now + backoff(attempts))
    return False


def callback_sweep(*, now: datetime.datetime | None = None, limit: int = 200) -> int:
    """Periodic: deliver the callbacks that are due (first tries lost, retries after back-off).

    Returns how many were acknowledged in this pass.
    """
    now = now_or(now)
    due = list(BillerCallback.objects.filter(
        state=BillerCallback.State.PENDING, next_attempt_at__lte=now,
    ).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in due if callback_deliver(callback_id=pk, now=now))
