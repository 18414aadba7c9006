"""Sign-in through identity providers: OpenID Connect, authorization code flow with PKCE
(S256), state and nonce, through Authlib. One stack for every provider.

A small registry (`register_provider`, `identity_provider`, `enabled_providers`): each
provider says where its discovery document is, its client id and secret, its scopes, and how
the claims it vouches for become an account. Two register themselves:

- `eid` (here): the city's e-ID provider (settings ONESTOP_OIDC_*: discovery URL, client,
  scopes and the name of the claim carrying the CCCD), so the city can plug in VNeID or any
  other OpenID provider. The citizen is matched by CCCD, or a citizen account is created for
  a first-time visitor (no password: they sign in with e-ID).
- `national` (onestop.national.signin, registered in its AppConfig.ready): the national
  account of the national public service portal (docs/national.md).

Authlib keeps state, nonce and the PKCE code verifier in the session, refuses a callback
whose state it did not issue and an ID token whose nonce, issuer, audience, expiry or
signature (the provider's JWKS) does not match.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import ValidationFailed
from onestop.core.identifiers import validate_cccd

from .models import User
from .services import citizens


@dataclass(frozen=True)
class ClientConfig:
    discovery_url: str
    client_id: str
    client_secret: str
    scopes: str
    # Extra authorization parameters (e.g. acr_values a national provider asks for).
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class IdentityProvider:
    """One way to sign in by OpenID Connect. Everything is read at each use (settings may
    change in tests and in `onestop demo`)."""

    name: str
    label: Callable[[], str]
    config: Callable[[], ClientConfig]
    # The claims (ID token + userinfo) → the account to sign in; ValidationFailed refuses.
    account_from_claims: Callable[[dict[str, Any]], User]
    # Which claim must be there, else the userinfo endpoint is asked too.
    required_claim: Callable[[], str] = field(default=lambda: "sub")
    enabled: Callable[[], bool] = field(default=lambda: True)
    # Shown beside the button: the provider is a local stand-in, not the real one.
    standin: Callable[[], bool] = field(default=lambda: False)

    def is_enabled(self) -> bool:
        config = self.config()
        return bool(self.enabled() and config.discovery_url and config.client_id)

    def client(self) -> Any:
        """The Authlib client for the provider's current configuration (cached)."""
        config = self.config()
        return _registry(self.name, config.discovery_url, config.client_id,
                         config.client_secret, config.scopes, config.extra)


_PROVIDERS: dict[str, IdentityProvider] = {}


def register_provider(provider: IdentityProvider) -> IdentityProvider:
    _PROVIDERS[provider.name] = provider
    return provider


def identity_provider(name: str) -> IdentityProvider | None:
    return _PROVIDERS.get(name)


def enabled_providers() -> list[IdentityProvider]:
    return [p for p in _PROVIDERS.values() if p.is_enabled()]


@lru_cache(maxsize=16)
def _registry(name: str, discovery_url: str, client_id: str, client_secret: str, scopes: str,
              extra: tuple[tuple[str, str], ...] = ()) -> Any:
    from authlib.integrations.django_client import OAuth

    oauth = OAuth()
    oauth.register(
        name=name, server_metadata_url=discovery_url, client_id=client_id,
        client_secret=client_secret or None,
        client_kwargs={"scope": scopes, "code_challenge_method": "S256"},
        authorize_params=dict(extra) or None,
    )
    return oauth.create_client(name)


# -- the city's e-ID provider ----------------------------------------------------------------

def _eid_config() -> ClientConfig:
    return ClientConfig(settings.ONESTOP_OIDC_DISCOVERY_URL, settings.ONESTOP_OIDC_CLIENT_ID,
                        settings.ONESTOP_OIDC_CLIENT_SECRET, settings.ONESTOP_OIDC_SCOPES)


def oidc_enabled() -> bool:
    return EID.is_enabled()


def eid_client() -> Any:
    """The Authlib client for the configured e-ID provider (cached per configuration)."""
    return EID.client()


def citizen_by_cccd(cccd: str) -> User | None:
    """The active citizen holding this CCCD; ValidationFailed if that account is disabled."""
    existing = citizens().filter(cccd=cccd).order_by("pk").first()
    if existing is not None and not existing.is_active:
        raise ValidationFailed(_("This account is disabled."))
    return existing


def citizen_create_for_cccd(*, cccd: str, name: str, email: str = "",
                            phone: str = "") -> User:
    """A new citizen account with no password (they sign in through a provider)."""
    username = f"citizen-{cccd}"
    if User.objects.filter(username=username).exists():
        # A deactivated or staff account holds this CCCD's username: refuse, never reuse.
        raise ValidationFailed(_("This citizen ID cannot sign in here. Contact the centre."))
    user = User(username=username, full_name=name.strip()[:200], cccd=cccd,
                email=email[:254], phone=phone[:20])
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def citizen_from_eid_claims(claims: dict[str, Any]) -> User:
    """The citizen account with the CCCD the provider vouches for, created if new."""
    raw = str(claims.get(settings.ONESTOP_OIDC_CCCD_CLAIM) or "").strip()
    if not raw:
        raise ValidationFailed(
            _("The e-ID provider did not send a personal identification number."))
    cccd = validate_cccd(raw)
    existing = citizen_by_cccd(cccd)
    if existing is not None:
        return existing
    name = str(claims.get(settings.ONESTOP_OIDC_NAME_CLAIM) or "")
    email = str(claims.get("email") or "") if claims.get("email_verified") else ""
    return citizen_create_for_cccd(cccd=cccd, name=name, email=email)


EID = register_provider(IdentityProvider(
    name="eid", label=lambda: settings.ONESTOP_OIDC_PROVIDER_LABEL, config=_eid_config,
    account_from_claims=citizen_from_eid_claims,
    required_claim=lambda: settings.ONESTOP_OIDC_CCCD_CLAIM,
))
