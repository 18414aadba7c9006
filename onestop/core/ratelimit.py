"""Fixed-window counters shared by every server process and every surface.

A counter is a key ("lookup:203.0.113.7") and a window length; the count of the current
window (Unix time // length) lives in Redis when ONESTOP_REDIS_URL is set (one client per
process, INCR and EXPIRE in one round trip) and in the database otherwise (one RateWindow
row per key and window, incremented by a conditional UPDATE). Never in process memory: with
several gunicorn workers a per-process counter lets each worker grant the whole allowance,
and the page and the API used to keep separate counters for the same lookup.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .errors import DomainError
from .models import RateWindow

KEY_MAX = 190


class RateLimited(DomainError):
    default_message = _("Too many requests. Wait a minute and try again.")
    http_status = 429

    def __init__(self, message: object = None, *, retry_after: int = 60, **params: object
                 ) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message, **params)


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites
    # it, so trusting it would let anyone dodge the limit.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@dataclass(frozen=True)
class Count:
    value: int  # events counted in the current window, this one included
    retry_after: int  # seconds until the window ends


@lru_cache(maxsize=4)
def redis_client(url: str) -> Any:
    """One client (and connection pool) per process and URL."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=2)


def _name(key: str, window: int) -> str:
    return f"onestop:rate:{key[:KEY_MAX]}:{window}"


def _count_redis(url: str, key: str, window: int, length: int) -> int:
    pipe = redis_client(url).pipeline()
    name = _name(key, window)
    pipe.incr(name)
    pipe.expire(name, length + 5)
    value, _ok = pipe.execute()
    return int(value)


def _count_db(key: str, window: int) -> int:
    key = key[:KEY_MAX]
    # One statement, on PostgreSQL and SQLite >= 3.35: create the window's row or add one
    # (it replaced an UPDATE, an INSERT on a miss and a SELECT, each in a savepoint).
    quote = connection.ops.quote_name
    table = quote(RateWindow._meta.db_table)
    k, w, c = (quote(name) for name in ("key", "window", "count"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({k}, {w}, {c}) VALUES (%s, %s, 1) ON CONFLICT ({k}, {w}) "
            f"DO UPDATE SET {c} = {table}.{c} + 1 RETURNING {c}", [key, window])
        (value,) = cursor.fetchone()
    if window % 50 == 0:  # now and then, forget this key's old windows
        # Only this key's: keys count in windows of different lengths (60 s for the API,
        # 900 s for sign-in failures), so another key's current window has a far smaller
        # number and would be wiped (every 50 minutes, sign-in failures were forgotten).
        RateWindow.objects.filter(key=key, window__lt=window - 2).delete()
    return int(value or 0)


def count(*, key: str, window_seconds: int, now: float | None = None) -> Count:
    """Count one event of `key` in the current window of `window_seconds`."""
    now = time.time() if now is None else now
    window = int(now) // window_seconds
    url = settings.ONESTOP_REDIS_URL
    value = _count_redis(url, key, window, window_seconds) if url else _count_db(key, window)
    return Count(value, (window + 1) * window_seconds - int(now))


def reset(*, key: str, window_seconds: int, now: float | None = None) -> None:
    """Forget the current window's count of `key` (a lifted lock-out starts again at 0)."""
    now = time.time() if now is None else now
    window = int(now) // window_seconds
    url = settings.ONESTOP_REDIS_URL
    if url:
        redis_client(url).delete(_name(key, window))
    else:
        RateWindow.objects.filter(key=key[:KEY_MAX], window=window).delete()


def hit(*, key: str, limit: int, window_seconds: int) -> None:
    """Count one request of `key`; RateLimited once the window's allowance is used up.
    A limit of 0 or less switches the limit off."""
    if limit <= 0:
        return
    counted = count(key=key, window_seconds=window_seconds)
    if counted.value > limit:
        raise RateLimited(retry_after=counted.retry_after)


def lookup_key(request: HttpRequest, *, scope: str) -> str:
    return f"{scope}:{client_address(request)}"


def lookup_over_limit(request: HttpRequest, *, scope: str) -> bool:
    """Count one public lookup of `scope` for this address; True once the window's allowance
    (ONESTOP_LOOKUP_RATE_LIMIT per ONESTOP_LOOKUP_RATE_WINDOW seconds) is used up. The page
    and the API's lookup use the same key, so they share one allowance."""
    try:
        hit(key=lookup_key(request, scope=scope), limit=settings.ONESTOP_LOOKUP_RATE_LIMIT,
            window_seconds=settings.ONESTOP_LOOKUP_RATE_WINDOW)
    except RateLimited:
        return True
    return False
