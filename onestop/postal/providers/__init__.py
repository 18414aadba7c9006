"""The registry of postal providers: `register(provider)`, `get(name)`, `registered()`,
as onestop.payments.providers. The built-in ones register themselves on import
(PostalConfig.ready): "vnpost" (Vietnam Post, BCCP-like) and "standin" (the local STAND-IN)."""

from __future__ import annotations

from .base import (
    BadSignature,
    Created,
    Event,
    Malformed,
    Order,
    Provider,
    Refused,
    Unavailable,
    get,
    register,
    registered,
)

__all__ = ["BadSignature", "Created", "Event", "Malformed", "Order", "Provider", "Refused",
           "Unavailable", "get", "register", "registered"]

from . import vnpost  # noqa: E402, F401
