"""Why a message is refused. Each reason has a stable code (kept with the refused message and
sent back in the 02 status) and a translated text for people."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import DomainError


class Reason(StrEnum):
    MALFORMED = "malformed"  # not well-formed XML, or a DOCTYPE (entities are never expanded)
    NOT_EDXML = "not_edxml"  # well-formed, but not an edXML envelope or status
    MISSING = "missing"  # a required element is missing or empty
    INVALID = "invalid"  # an element has a value outside its form
    TOO_LARGE = "too_large"
    UNSIGNED = "unsigned"  # no signature where one is required
    BAD_SIGNATURE = "bad_signature"  # the signature or a digest does not match
    UNTRUSTED = "untrusted"  # valid signature, certificate does not chain to a trust anchor


class EdxmlError(DomainError):
    """A message that cannot be accepted; `reason` says which kind of fault, `str()` says where."""

    default_message = _("This is not a valid edXML message.")

    def __init__(self, reason: Reason, message: object | None = None, **params: object) -> None:
        self.reason = reason
        super().__init__(message, **params)


def missing(element: str) -> EdxmlError:
    return EdxmlError(Reason.MISSING, _("The element %(element)s is missing or empty."),
                      element=element)


def invalid(element: str, value: str) -> EdxmlError:
    return EdxmlError(Reason.INVALID,
                      _("The element %(element)s has an invalid value “%(value)s”."),
                      element=element, value=value[:80])
