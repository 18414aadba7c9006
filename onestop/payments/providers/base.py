"""What every payment provider offers, and the registry that finds them by name."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import ValidationFailed
from onestop.core.registry import Registry
from onestop.core.secrets import fallback_allowed, secret_key_is_fallback

if TYPE_CHECKING:
    from ..models import Payment

logger = logging.getLogger("onestop.security")


class BadSignature(Exception):
    """The notification is not signed with a key we share: refuse it (HTTP 401) and log it."""


class Malformed(Exception):
    """Signed, but not a notification we can read (missing field, amount not whole đồng)."""


@dataclass(frozen=True)
class Notice:
    """What a verified notification says, in the platform's terms."""

    reference: str
    provider_txn_id: str
    amount: int | None
    success: bool
    sandbox: bool = False  # verified with the sandbox key, not the real one


@dataclass(frozen=True)
class Start:
    """How the payer goes on: scan a QR payload, or follow a redirect."""

    kind: str  # "qr" or "redirect"
    payload: str = ""
    url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Incoming:
    """A notification as received: the raw body, the query string and the headers."""

    body: bytes
    query: Mapping[str, str]
    headers: Mapping[str, str]

    def text(self) -> str:
        raw = self.body.decode("utf-8", "replace")
        if self.query:
            qs = "&".join(f"{k}={v}" for k, v in self.query.items())
            return f"{qs}\n{raw}" if raw else qs
        return raw


class Provider(Protocol):
    name: str
    online: bool  # counted as an online payment (Decision 766 online-payment rate)
    # What a payer may do with it: choose it for a payment (never cash, which only an
    # officer records), be sent away to it (a gateway page), and whether it notifies our
    # webhook endpoint itself. The sandbox is choosable only while it is on; a provider
    # behind a setting (the national platform) answers `choosable` at each call.
    redirects: bool
    notifies: bool
    sandbox: bool

    @property
    def choosable(self) -> bool: ...

    def start(self, payment: Payment, *, return_url: str = "") -> Start: ...

    def parse_notification(self, incoming: Incoming) -> Notice: ...

    def signature_of(self, incoming: Incoming) -> str: ...

    def respond(self, outcome: str) -> tuple[int, dict[str, Any]]: ...

    def query(self, payment: Payment) -> Notice | None: ...


_REGISTRY: Registry[Provider] = Registry("payment provider")
register = _REGISTRY.register
get = _REGISTRY.get
registered = _REGISTRY.registered


# ---- which provider may be used how (the one place these rules are written) ----------------

def payer_may_choose(name: str) -> bool:
    """Whether a payer may pay this way now: a choosable provider, the sandbox only while on."""
    provider = _REGISTRY.get(name)
    return provider is not None and provider.choosable and (
        not provider.sandbox or sandbox_enabled())


def check_payer_choice(name: str) -> None:
    """The services' check: ValidationFailed for a way to pay that is not available."""
    if not payer_may_choose(name):
        raise ValidationFailed(_("This way to pay is not available."))


def redirects(name: str) -> bool:
    """Whether paying this way sends the payer to another page (a gateway, the sandbox)."""
    provider = _REGISTRY.get(name)
    return provider is not None and provider.redirects


def notifies(name: str) -> bool:
    """Whether this provider calls our webhook endpoint /payments/webhooks/<name>/."""
    provider = _REGISTRY.get(name)
    return provider is not None and provider.notifies


# ---- shared secrets --------------------------------------------------------------------------

# The secrets shared with providers; each may be left empty and derived from SECRET_KEY.
SECRET_SETTINGS = ("ONESTOP_VIETQR_WEBHOOK_SECRET", "ONESTOP_GATEWAY_SECRET",
                   "ONESTOP_PAYMENT_SANDBOX_SECRET", "ONESTOP_NATIONAL_PAYMENT_SECRET")


class SecretUnavailable(BadSignature):
    """The secret would be derived from the published fallback key: nothing it signs proves
    anything, so a notification checked with it is refused like a forged one."""


def secret(setting: str) -> bytes:
    """A shared secret from settings; empty → derived from SECRET_KEY, refused when that is
    the published fallback key outside debug and demo runs (issue 17 item 2)."""
    value = str(getattr(settings, setting))
    if value:
        return value.encode()
    if secret_key_is_fallback() and not fallback_allowed():
        logger.error("%s is empty and ONESTOP_SECRET_KEY is not set: refusing a secret "
                     "derived from the published key", setting)
        raise SecretUnavailable(f"{setting} would derive from the fallback key")
    return hmac.new(settings.SECRET_KEY.encode(), f"onestop.payments.{setting}".encode(),
                    hashlib.sha256).hexdigest().encode()


def sandbox_enabled() -> bool:
    """Is the SANDBOX bank and gateway on? Read at each call, never cached.

    ONESTOP_PAYMENT_SANDBOX decides when it is set; unset, the sandbox is on in debug and
    demo runs only (`onestop demo` sets ONESTOP_DEMO after settings were loaded).
    """
    configured = settings.ONESTOP_PAYMENT_SANDBOX
    if configured is None:
        return bool(settings.DEBUG or settings.ONESTOP_DEMO)
    return bool(configured)


def sandbox_secret() -> bytes:
    return secret("ONESTOP_PAYMENT_SANDBOX_SECRET")


def hmac_hex(key: bytes, message: bytes, digest: Any) -> str:
    return hmac.new(key, message, digest).hexdigest()


def matches(expected: str, given: str) -> bool:
    """Constant-time comparison of two hex signatures (case-insensitive hex)."""
    return hmac.compare_digest(expected.lower().encode(), given.strip().lower().encode())
