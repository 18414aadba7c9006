"""`onestop check --deploy`: provider secrets that anyone could compute, and a sandbox left on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from onestop.core.secrets import secret_key_is_fallback

from .providers.base import SECRET_SETTINGS, sandbox_enabled


@checks.register(checks.Tags.security, deploy=True)
def check_provider_secrets(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.DEBUG:
        return []
    found: list[checks.CheckMessage] = []
    if secret_key_is_fallback():
        names = [n for n in SECRET_SETTINGS
                 if (n != "ONESTOP_PAYMENT_SANDBOX_SECRET" or sandbox_enabled())
                 and (n != "ONESTOP_NATIONAL_PAYMENT_SECRET" or settings.ONESTOP_NATIONAL_PAYMENT)]
        for name in names:
            if not getattr(settings, name):
                found.append(checks.Error(
                    f"{name} is empty and ONESTOP_SECRET_KEY is not set: the webhook secret "
                    "would be derived from the key published with the code, so anyone could "
                    "sign a notification that settles a payment.",
                    hint=f"Set ONESTOP_SECRET_KEY, and {name} to the secret agreed with the "
                         "provider (docs/payments.md).",
                    id="onestop.E003"))
    if sandbox_enabled():
        found.append(checks.Warning(
            "The payment sandbox is on: anyone can mark a payment paid with the simulator.",
            hint="Unset ONESTOP_PAYMENT_SANDBOX (and ONESTOP_DEMO) in production.",
            id="onestop.W001"))
    return found
