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


LOCAL_HOSTS = {"127.0.0.1", "localhost", "testserver", "::1", "[::1]"}


@checks.register(checks.Tags.security, deploy=True)
def check_public_site(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The production setting of docs/operations.md: real host names, https everywhere."""
    if settings.DEBUG:
        return []
    found: list[checks.CheckMessage] = []
    if not set(settings.ALLOWED_HOSTS) - LOCAL_HOSTS:
        found.append(checks.Warning(
            "ONESTOP_ALLOWED_HOSTS names only this machine: the site answers no real host name.",
            hint="Set ONESTOP_ALLOWED_HOSTS to the site's host names, e.g. "
                 "dichvucong.example.vn.", id="onestop.W002"))
    if not settings.ONESTOP_HTTPS:
        found.append(checks.Warning(
            "ONESTOP_HTTPS is off: no HSTS, cookies travel over plain http.",
            hint="Serve the site behind the TLS reverse proxy of docs/operations.md and set "
                 "ONESTOP_HTTPS=true.", id="onestop.W003"))
    elif not settings.PUBLIC_BASE_URL.startswith("https://"):
        found.append(checks.Warning(
            "ONESTOP_PUBLIC_BASE_URL is not https: receipts' QR codes, e-mails and payment "
            "return addresses would send people to plain http.",
            hint="Set ONESTOP_PUBLIC_BASE_URL=https://<the site's host name>.",
            id="onestop.W004"))
    return found
