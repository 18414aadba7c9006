"""Errors of the signature service; each carries a translated message a surface can show."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import DomainError, ValidationFailed


class SigningRefused(ValidationFailed):
    """The signer may not sign now: no key, certificate expired, revoked or untrusted."""

    default_message = _("The document cannot be signed with this certificate.")


class KeyUnavailable(DomainError):
    """The key store did not answer (token absent, wrong PIN, remote service down)."""

    default_message = _("The signing key is not available right now. Try again later.")
    http_status = 503
