"""Template helpers of the installable web app (see onestop.portal.views.pwa)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.crypto import salted_hmac

register = template.Library()


@register.simple_tag(takes_context=True)
def pwa_owner(context: Any) -> str:
    """An opaque tag of the signed-in citizen ("" for anyone else).

    The service worker keeps "my dossiers" pages for offline reading only for the citizen
    whose tag they carry, and empties that cache as soon as a page says someone else (or
    nobody) is signed in. Keyed with SECRET_KEY: it names nobody and cannot be forged.
    """
    user = context.get("user")
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(
            user, "is_citizen", False):
        return ""
    return salted_hmac("onestop.portal.pwa-owner", str(user.pk)).hexdigest()[:20]
