"""Domain errors that every surface turns into a translated message (form error, HTTP 4xx)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base of the errors a user can cause. `message` is translatable and safe to show."""

    default_message = _("The action could not be completed.")
    http_status = 400

    def __init__(self, message: object | None = None, **params: object) -> None:
        self.message = message if message is not None else self.default_message
        self.params = params
        super().__init__(str(self))

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class InvalidTransition(DomainError):
    default_message = _("This action is not allowed in the dossier's current status.")
    http_status = 409


class Conflict(DomainError):
    default_message = _(
        "Someone else changed this dossier a moment ago. Reload the page and try again."
    )
    http_status = 409


class NotFound(DomainError):
    """Nothing of that number that this person may see: the same answer whether it does not
    exist or belongs to someone else, so numbers cannot be probed. Surfaces answer 404."""

    default_message = _("Not found.")
    http_status = 404


class NotAllowed(DomainError):
    default_message = _("Your role does not allow this action on this dossier.")
    http_status = 403


class ValidationFailed(DomainError):
    default_message = _("Some of the information is not valid.")
    http_status = 400
