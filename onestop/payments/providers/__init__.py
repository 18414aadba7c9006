"""The registry of payment providers: `register(provider)`, `get(name)`, `all_providers()`.

A provider is a small object (onestop.payments.providers.base.Provider) that knows how to
start a payment with its outside party (a VietQR payload, a signed redirect), how to verify
and read a notification it sends us, and how to ask it about a payment still pending.
Business rules (matching, settling, flagging) live in onestop.payments.services, never here.
The built-in providers register themselves when this package is imported (AppConfig.ready).
"""

from __future__ import annotations

from .base import (
    BadSignature,
    Notice,
    Provider,
    Start,
    check_payer_choice,
    get,
    notifies,
    payer_may_choose,
    redirects,
    register,
    registered,
)

__all__ = ["BadSignature", "Notice", "Provider", "Start", "check_payer_choice", "get",
           "notifies", "payer_may_choose", "redirects", "register", "registered"]

# Built-in providers, registered on import.
from . import cash, gateway, national, sandbox, vietqr  # noqa: E402, F401
