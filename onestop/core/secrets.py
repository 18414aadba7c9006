"""The site's secret key: is it a real one, and may this process run without one?

Without ONESTOP_SECRET_KEY the settings fall back to a fixed key that is published with the
code. Everything keyed with it (sessions, signed tokens, and the payment secrets derived from
it when a provider's own secret is unset) can be forged by anyone who reads the source. That
is fine for a demo or a developer's machine and nowhere else, so:

- the web server (`onestop serve`, the WSGI application) and the worker refuse to start with
  the fallback key unless ONESTOP_DEBUG or the demo (`onestop demo`) is on
  (`require_secret_key`); offline commands (`calendar`, `vietqr`, `dti`, `edxml`, `check`)
  never call it and keep working;
- a provider secret that would be derived from the fallback key is refused at the moment of
  use (payments.providers.base.secret), whatever process asks;
- `onestop check --deploy` reports a missing or weak key as an error (core.checks).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Django's own rule for a strong key (django.core.checks.security.base, W009).
MIN_LENGTH = 50
MIN_UNIQUE_CHARACTERS = 5


def secret_key_is_fallback() -> bool:
    """True when ONESTOP_SECRET_KEY was not set and the published local key is in use."""
    return not settings.SECRET_KEY or settings.SECRET_KEY == settings.ONESTOP_FALLBACK_SECRET_KEY


def secret_key_is_weak() -> bool:
    key = str(settings.SECRET_KEY)
    return (secret_key_is_fallback() or len(key) < MIN_LENGTH
            or len(set(key)) < MIN_UNIQUE_CHARACTERS or key.startswith("django-insecure-"))


def fallback_allowed() -> bool:
    """The published key may be used only in debug runs and in `onestop demo` (judged now:
    the demo switches ONESTOP_DEMO on after the settings were read)."""
    return bool(settings.DEBUG or settings.ONESTOP_DEMO)


def require_secret_key(process: str) -> None:
    """Refuse to start `process` (the web server, the worker) on the published key."""
    if secret_key_is_fallback() and not fallback_allowed():
        raise ImproperlyConfigured(
            f"{process}: ONESTOP_SECRET_KEY is not set. Without it sessions, tokens and the "
            "payment webhook secrets derive from a key published with the code. Set "
            "ONESTOP_SECRET_KEY to 50 or more random characters (docs/operations.md), or run "
            "`onestop demo` / ONESTOP_DEBUG=true on a developer's machine.")
