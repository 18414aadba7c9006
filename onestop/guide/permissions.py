"""Who may change the guide: the tourism office's staff (Role.TOURISM) and superusers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Role
from onestop.agencies.selectors import roles_of
from onestop.core.errors import NotAllowed


class NotTourismStaff(NotAllowed):
    default_message = _("Only the tourism office's staff may do this in the city guide.")


def is_tourism_staff(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return any(Role.TOURISM in roles for roles in roles_of(user=user).values())


def require_tourism_staff(user: Any) -> None:
    if not is_tourism_staff(user):
        raise NotTourismStaff()
