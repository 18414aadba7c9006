"""Periodic sweeps of payments: expiry of pending links, gateway status queries."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction

from .. import providers
from ..models import Payment
from .creation import _expire
from .settlement import notice_apply

logger = logging.getLogger(__name__)
S = Payment.State


def payment_expire_sweep(*, now: datetime.datetime) -> int:
    """Pending payments past their expiry become expired (a late success still settles)."""
    done = 0
    ids = list(Payment.objects.filter(state=S.PENDING, expires_at__lt=now)
               .values_list("reference", flat=True)[:1000])
    for reference in ids:
        with transaction.atomic():
            payment = (Payment.objects.select_for_update(skip_locked=True)
                       .filter(reference=reference, state=S.PENDING).first())
            if payment is None:
                continue
            _expire(payment, actor=None, at=now)
            done += 1
    return done


def gateway_query_sweep(*, now: datetime.datetime, older_than_minutes: int | None = None) -> int:
    """Ask the gateway about payments still pending a while after the payer was sent there.

    A lost IPN is thus made good; the answer goes through notice_apply like any
    notification, so a query racing a late IPN still settles once.
    """
    minutes = (older_than_minutes if older_than_minutes is not None
               else int(settings.ONESTOP_GATEWAY_QUERY_AFTER))
    cutoff = now - datetime.timedelta(minutes=minutes)
    handler = providers.get("gateway")
    applied = 0
    candidates = list(
        Payment.objects.filter(state__in=(S.PENDING, S.EXPIRED), provider="gateway",
                               created_at__lte=cutoff,
                               created_at__gte=now - datetime.timedelta(days=3))
        .exclude(last_queried_at__gt=cutoff).values_list("pk", "reference")[:200]
    )
    for pk, reference in candidates:
        Payment.objects.filter(pk=pk).update(last_queried_at=now)
        payment = Payment.objects.get(pk=pk)
        try:
            notice = handler.query(payment)
        except Exception:  # one gateway hiccup must not stop the sweep
            logger.exception("gateway query failed for %s", reference)
            continue
        if notice is None or notice.reference != reference:
            continue
        notice_apply(provider="gateway", notice=notice, body="(status query)", at=now)
        applied += 1
    return applied
