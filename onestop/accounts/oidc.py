"""e-ID sign-in: OpenID Connect, authorization code flow with PKCE (S256), through Authlib.

Everything provider-specific is configuration (settings ONESTOP_OIDC_*): the discovery URL,
the client id and secret, the scopes and the name of the claim carrying the CCCD, so the
city can plug in VNeID or any other OpenID provider. The citizen is matched by CCCD, or a
citizen account is created for a first-time visitor (no password: they sign in with e-ID).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import ValidationFailed
from onestop.core.identifiers import validate_cccd

from .models import User
from .services import citizens


def oidc_enabled() -> bool:
    return bool(settings.ONESTOP_OIDC_DISCOVERY_URL and settings.ONESTOP_OIDC_CLIENT_ID)


@lru_cache(maxsize=4)
def _registry(discovery_url: str, client_id: str, client_secret: str, scopes: str) -> Any:
    from authlib.integrations.django_client import OAuth

    oauth = OAuth()
    oauth.register(
        name="eid", server_metadata_url=discovery_url, client_id=client_id,
        client_secret=client_secret or None,
        client_kwargs={"scope": scopes, "code_challenge_method": "S256"},
    )
    return oauth.eid


def eid_client() -> Any:
    """The Authlib client for the configured provider (cached per configuration)."""
    return _registry(settings.ONESTOP_OIDC_DISCOVERY_URL, settings.ONESTOP_OIDC_CLIENT_ID,
                     settings.ONESTOP_OIDC_CLIENT_SECRET, settings.ONESTOP_OIDC_SCOPES)


@transaction.atomic
def citizen_from_eid_claims(claims: dict[str, Any]) -> User:
    """The citizen account with the CCCD the provider vouches for, created if new."""
    raw = str(claims.get(settings.ONESTOP_OIDC_CCCD_CLAIM) or "").strip()
    if not raw:
        raise ValidationFailed(
            _("The e-ID provider did not send a personal identification number."))
    cccd = validate_cccd(raw)
    existing = citizens().filter(cccd=cccd).order_by("pk").first()
    if existing is not None:
        if not existing.is_active:
            raise ValidationFailed(_("This account is disabled."))
        return existing
    username = f"citizen-{cccd}"
    if User.objects.filter(username=username).exists():
        # A deactivated or staff account holds this CCCD's username: refuse, never reuse.
        raise ValidationFailed(_("This citizen ID cannot sign in here. Contact the centre."))
    name = str(claims.get(settings.ONESTOP_OIDC_NAME_CLAIM) or "").strip()[:200]
    user = User(username=username, full_name=name, cccd=cccd,
                email=str(claims.get("email") or "")[:254]
                if claims.get("email_verified") else "")
    user.set_unusable_password()
    user.save()
    return user
