"""Access and refresh tokens for the city app.

Access tokens are JWTs (PyJWT, HS256 with a key derived from SECRET_KEY) valid 15 minutes:
a JWT because app developers and API gateways read them with standard tools, PyJWT because
it is the most used, well-kept implementation. Each request still checks the token's family
in the database (one indexed query, which also loads the user), so sign-out and a password
change end access at once rather than when the token expires.

Refresh tokens are opaque random strings stored hashed, used once: each refresh returns a
new pair. A spent refresh token presented again means it leaked (or the app raced): the
whole family is revoked, so the thief and the owner both have to sign in again (OAuth 2.0
Security BCP, refresh token rotation with reuse detection).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import DomainError

from .models import RefreshToken, TokenFamily

ALGORITHM = "HS256"
ISSUER = "onestop"


class AuthFailed(DomainError):
    default_message = _("Sign in again: your session has ended or the token is not valid.")
    http_status = 401


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"


def _key() -> str:
    return salted_hmac("onestop.api.access-token", "key", algorithm="sha256").hexdigest()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def password_mark(user: Any) -> str:
    """Changes whenever the password hash changes (like Django's session auth hash)."""
    return salted_hmac("onestop.api.password-mark", user.password or "",
                       algorithm="sha256").hexdigest()


def _access(family: TokenFamily, now: datetime.datetime) -> str:
    lifetime = settings.ONESTOP_API_ACCESS_SECONDS
    claims = {"iss": ISSUER, "sub": str(family.user_id), "aud": family.audience,
              "fam": str(family.pk), "iat": int(now.timestamp()),
              "exp": int(now.timestamp()) + lifetime, "jti": secrets.token_hex(8)}
    return jwt.encode(claims, _key(), algorithm=ALGORITHM)


def _new_refresh(family: TokenFamily, now: datetime.datetime) -> str:
    token = secrets.token_urlsafe(32)
    RefreshToken.objects.create(
        family=family, token_hash=_hash(token), created_at=now,
        expires_at=now + datetime.timedelta(days=settings.ONESTOP_API_REFRESH_DAYS))
    return token


@transaction.atomic
def tokens_issue(*, user: Any, audience: str) -> TokenPair:
    """A new family for a user who just proved who they are (password or e-ID)."""
    now = timezone.now()
    family = TokenFamily.objects.create(user=user, audience=audience,
                                        password_mark=password_mark(user), created_at=now)
    return TokenPair(_access(family, now), _new_refresh(family, now),
                     settings.ONESTOP_API_ACCESS_SECONDS)


def _revoke(family_id: Any, reason: str) -> None:
    TokenFamily.objects.filter(pk=family_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason)


def tokens_refresh(*, refresh_token: str) -> TokenPair:
    """Spend a refresh token for a new pair; a spent one revokes its whole family."""
    now = timezone.now()
    with transaction.atomic():
        row = (RefreshToken.objects.select_related("family__user")
               .filter(token_hash=_hash(refresh_token or "")).first())
        if row is None:
            raise AuthFailed()
        family = row.family
        # Claim the token: one conditional UPDATE, so two refreshes racing get one pair.
        spent_now = RefreshToken.objects.filter(pk=row.pk, used_at__isnull=True).update(
            used_at=now)
        valid = (family.revoked_at is None and row.expires_at > now
                 and family.user.is_active and family.password_mark == password_mark(family.user))
        if spent_now and valid:
            return TokenPair(_access(family, now), _new_refresh(family, now),
                             settings.ONESTOP_API_ACCESS_SECONDS)
    # Outside the transaction above, so the revocation is kept although we refuse.
    if not spent_now:
        _revoke(family.pk, "refresh token reused")
    raise AuthFailed()


def tokens_revoke(*, family_id: Any, reason: str = "sign-out") -> None:
    _revoke(family_id, reason)


@dataclass(frozen=True)
class Principal:
    user: Any
    audience: str
    family_id: str


def authenticate_access(token: str) -> Principal | None:
    """The signed-in user behind an access token, or None (expired, revoked, bad)."""
    try:
        claims = jwt.decode(token, _key(), algorithms=[ALGORITHM], issuer=ISSUER,
                            audience=["citizen", "staff"],
                            options={"require": ["exp", "sub", "fam", "aud"]})
    except jwt.PyJWTError:
        return None
    family = (TokenFamily.objects.select_related("user")
              .filter(pk=claims["fam"], revoked_at__isnull=True).first())
    if family is None or str(family.user_id) != claims["sub"] or not family.user.is_active:
        return None
    if family.password_mark != password_mark(family.user):
        return None
    return Principal(family.user, family.audience, str(family.pk))
