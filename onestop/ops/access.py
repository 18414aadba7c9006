"""Who may read the operations detail (readiness, metrics).

Liveness stays open: a load balancer must reach it without a secret. Readiness and metrics
name the backing services and their errors, so they need ONESTOP_OPS_TOKEN (sent as
``Authorization: Bearer <token>``) or a client address in ONESTOP_OPS_ALLOW. With neither
set, only this machine (loopback) may read them.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest

_LOOPBACK = ("127.0.0.0/8", "::1/128")


def _networks(entries: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()]


def ops_allowed(request: HttpRequest) -> bool:
    token: str = settings.ONESTOP_OPS_TOKEN
    allow: list[str] = list(settings.ONESTOP_OPS_ALLOW)
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(
            header.removeprefix("Bearer ").encode(), token.encode()):
        return True
    if not token and not allow:
        allow = list(_LOOPBACK)
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _networks(allow))
