"""Per-client rate limits: fixed windows counted in Redis when ONESTOP_REDIS_URL is set
(redis-py, INCR + EXPIRE in one pipeline), in the database otherwise (one row per client and
window, incremented by a conditional UPDATE), so one machine needs nothing else."""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import DomainError

from .models import RateWindow


class RateLimited(DomainError):
    default_message = _("Too many requests. Wait a minute and try again.")
    http_status = 429


@lru_cache(maxsize=4)
def _redis(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_timeout=2)


def _count_redis(url: str, key: str, window: int, length: int) -> int:
    pipe = _redis(url).pipeline()
    name = f"onestop:rate:{key}:{window}"
    pipe.incr(name)
    pipe.expire(name, length + 5)
    count, _ok = pipe.execute()
    return int(count)


def _count_db(key: str, window: int) -> int:
    with transaction.atomic():
        if not RateWindow.objects.filter(key=key, window=window).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateWindow.objects.create(key=key, window=window, count=1)
                    return 1
            except IntegrityError:  # another request created it first
                RateWindow.objects.filter(key=key, window=window).update(count=F("count") + 1)
        count = RateWindow.objects.filter(key=key, window=window).values_list(
            "count", flat=True).first()
    if window % 50 == 0:  # now and then, forget old windows
        RateWindow.objects.filter(window__lt=window - 2).delete()
    return int(count or 0)


def hit(*, key: str, limit: int, window_seconds: int) -> None:
    """Count one request of `key`; RateLimited once the window's allowance is used up."""
    if limit <= 0:
        return
    window = int(time.time()) // window_seconds
    key = key[:190]
    url = settings.ONESTOP_REDIS_URL
    count = _count_redis(url, key, window, window_seconds) if url else _count_db(key, window)
    if count > limit:
        raise RateLimited()
