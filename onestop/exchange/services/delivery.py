"""Deliver the outbox: each due delivery is claimed (a conditional UPDATE, so several workers
never send one row at once), sent outside any transaction, and its answer recorded. A
receiver that is down only delays a delivery: it is retried with exponential back-off
(ONESTOP_EXCHANGE_RETRY_BASE doubling up to ONESTOP_EXCHANGE_RETRY_MAX seconds) and given
up after ONESTOP_EXCHANGE_MAX_ATTEMPTS. A claim outlives a crashed worker by LEASE only;
the receiver recognises the resent copy by its DocumentId.
"""

from __future__ import annotations

import datetime
import logging

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..edxml.errors import EdxmlError
from ..edxml.model import Status
from ..edxml.parse import parse
from ..models import Delivery, DocumentStatus, ExchangeMessage
from .outbox import ENDPOINT_PATH, is_local, peers
from .receive import Answer, message_receive

logger = logging.getLogger(__name__)
LEASE = datetime.timedelta(minutes=2)


def backoff(attempts: int) -> datetime.timedelta:
    base = settings.ONESTOP_EXCHANGE_RETRY_BASE
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0),
                                          settings.ONESTOP_EXCHANGE_RETRY_MAX))


def _claim(*, now: datetime.datetime, limit: int) -> list[int]:
    candidates = list(Delivery.objects.filter(state=Delivery.State.PENDING,
                                              next_attempt_at__lte=now)
                      .order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
    claimed = []
    for pk in candidates:
        if Delivery.objects.filter(pk=pk, state=Delivery.State.PENDING,
                                   next_attempt_at__lte=now).update(
                next_attempt_at=now + LEASE, attempts=F("attempts") + 1):
            claimed.append(pk)
    return claimed


def _send(delivery: Delivery) -> Answer:
    data = bytes(delivery.message.raw)
    peer = peers().get(delivery.organ_id)
    if peer is None:
        if is_local(delivery.organ_id):
            return message_receive(data=data)
        raise ConnectionError(f"no route to {delivery.organ_id} (ONESTOP_EXCHANGE_PEERS)")
    response = requests.post(peer.url + ENDPOINT_PATH, data=data, timeout=(5, 60),
                             headers={"Content-Type": "application/xml; charset=utf-8"})
    if response.status_code in (200, 422):
        return Answer(response.status_code, "", response.content,
                      response.headers.get("Content-Type", ""))
    raise ConnectionError(f"HTTP {response.status_code}: {response.text[:200]}")


def _record_answer(delivery: Delivery, answer: Answer, now: datetime.datetime) -> None:
    """Keep the 01/02 status a receiver answered a document with."""
    entry = delivery.message.entry
    if (delivery.message.kind != ExchangeMessage.Kind.DOCUMENT or entry is None
            or not answer.body.lstrip().startswith(b"<")):
        return
    try:
        status = parse(answer.body, max_bytes=settings.ONESTOP_EDXML_MAX_BYTES)
    except EdxmlError:
        return
    if not isinstance(status, Status):
        return
    delivery.answer_code, delivery.answer_description = str(status.status_code), status.description
    DocumentStatus.objects.get_or_create(
        document=entry, organ_id=delivery.organ_id,
        status_code=str(status.status_code),
        defaults={"organ_name": status.sender.organ_name[:255],
                  "description": status.description, "at": status.timestamp or now})


def delivery_attempt(*, delivery_id: int) -> str:
    """Send one claimed delivery and record the result; returns its new state."""
    delivery = Delivery.objects.select_related("message__entry").get(pk=delivery_id)
    now = timezone.now()
    try:
        answer = _send(delivery)
    except (requests.RequestException, ConnectionError, OSError) as exc:
        failed = delivery.attempts >= settings.ONESTOP_EXCHANGE_MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.FAILED if failed else Delivery.State.PENDING,
            next_attempt_at=now + backoff(delivery.attempts), last_error=str(exc)[:2000])
        logger.info("delivery %s to %s failed (attempt %s): %s", delivery.pk,
                    delivery.organ_id, delivery.attempts, exc)
        return Delivery.State.FAILED if failed else Delivery.State.PENDING
    with transaction.atomic():
        _record_answer(delivery, answer, now)
        delivery.state = (Delivery.State.DELIVERED if answer.http_status == 200
                          else Delivery.State.REFUSED)
        delivery.delivered_at, delivery.last_error = now, ""
        delivery.save(update_fields=["state", "delivered_at", "last_error", "answer_code",
                                     "answer_description"])
    return delivery.state


def deliveries_run(*, now: datetime.datetime | None = None, limit: int = 100) -> int:
    """Send what is due (periodic job and on commit of a send); returns how many were tried."""
    claimed = _claim(now=now or timezone.now(), limit=limit)
    for pk in claimed:
        delivery_attempt(delivery_id=pk)
    return len(claimed)
