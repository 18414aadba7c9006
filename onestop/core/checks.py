"""System checks run by `onestop check --deploy` (Django's checks framework).

Errors, not warnings: `check --deploy` must fail on a production setting that lets anyone
forge sessions, tokens or payment notifications.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from .secrets import MIN_LENGTH, secret_key_is_fallback, secret_key_is_weak


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.DEBUG:
        return []  # a developer's run; Django's own check already warns about DEBUG
    if secret_key_is_fallback():
        return [checks.Error(
            "ONESTOP_SECRET_KEY is not set: the published local key would sign sessions, "
            "tokens and the payment secrets derived from it.",
            hint=f"Set ONESTOP_SECRET_KEY to {MIN_LENGTH} or more random characters, e.g. "
                 "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'.",
            id="onestop.E001")]
    if secret_key_is_weak():
        return [checks.Error(
            f"ONESTOP_SECRET_KEY is weak: it needs at least {MIN_LENGTH} characters, several "
            "different ones, and no 'django-insecure-' prefix.",
            hint="Generate one with python3 -c 'import secrets; print(secrets.token_urlsafe(50))'.",
            id="onestop.E002")]
    return []
