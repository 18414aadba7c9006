"""Who sees which dossier. Every read of dossiers for a person starts here.

- Staff see the dossiers of the agencies they belong to: handled there (the competent
  agency) or received there (the one-stop counter).
- A citizen sees the dossiers whose applicant account is theirs.

Anything outside the scope is answered exactly like a dossier that does not exist
(NotFound), so numbers cannot be probed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from onestop.agencies.selectors import roles_of

from .models import Dossier

NOTHING = Q(pk__in=[])


def staff_scope(*, user: Any) -> Q:
    """Staff see dossiers of their own agency or received at their own centre."""
    ids = list(roles_of(user=user))
    if not ids:
        return NOTHING
    return Q(handling_agency_id__in=ids) | Q(receiving_agency_id__in=ids)


def citizen_scope(*, user: Any) -> Q:
    """A citizen sees the dossiers filed with their account, and nothing else."""
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    return Q(applicant_id=user.pk)


def staff_dossiers(*, user: Any) -> QuerySet[Dossier]:
    return Dossier.objects.filter(staff_scope(user=user))


def citizen_dossiers(*, user: Any) -> QuerySet[Dossier]:
    return Dossier.objects.filter(citizen_scope(user=user))
