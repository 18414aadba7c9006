"""A fixed-window counter per client address, kept in Django's cache (Redis when configured)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites
    # it, so trusting it would let anyone dodge the limit.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def lookup_over_limit(request: HttpRequest, *, scope: str) -> bool:
    """Count one public lookup of `scope` for this address; True once the window's allowance
    (ONESTOP_LOOKUP_RATE_LIMIT per ONESTOP_LOOKUP_RATE_WINDOW seconds) is used up."""
    limit = settings.ONESTOP_LOOKUP_RATE_LIMIT
    window = settings.ONESTOP_LOOKUP_RATE_WINDOW
    if limit <= 0:
        return False
    key = f"onestop:{scope}:{client_address(request)}"
    cache.add(key, 0, timeout=window)  # starts the window; no-op while one is open
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
