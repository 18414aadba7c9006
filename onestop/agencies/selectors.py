"""Who may see and do what, read from staff roles (Membership)."""

from __future__ import annotations

from typing import Any

from .models import Agency, Membership, Role


def roles_of(*, user: Any) -> dict[int, set[str]]:
    """{agency_id: {role, …}} for a staff user; cached on the user object per request."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_onestop_roles", None)
    if cached is None:
        cached = {}
        for agency_id, role in Membership.objects.filter(
            user=user, agency__is_active=True
        ).values_list("agency_id", "role"):
            cached.setdefault(agency_id, set()).add(role)
        user._onestop_roles = cached
    return cached


def has_role(*, user: Any, agency_id: int, role: str) -> bool:
    return role in roles_of(user=user).get(agency_id, set())


def agencies_with_role(*, user: Any, role: str) -> list[int]:
    return [a for a, roles in roles_of(user=user).items() if role in roles]


def is_staff_member(*, user: Any) -> bool:
    return bool(roles_of(user=user))


def receiving_centres_of(*, user: Any) -> list[Agency]:
    ids = agencies_with_role(user=user, role=Role.OFFICER)
    return list(Agency.objects.filter(id__in=ids, kind__in=Agency.RECEIVING_KINDS))


def memberships_of(*, user: Any) -> list[Membership]:
    """A staff user's roles with their agencies, for the page header (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Membership.objects.filter(user=user, agency__is_active=True)
        .select_related("agency").order_by("agency__name", "role")
    )
