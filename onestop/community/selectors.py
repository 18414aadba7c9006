"""Reads of the community app: help kinds, a member's teams, a commune's coverage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from onestop.agencies.models import AdministrativeUnit

from .models import CommuneHouseholds, HelpKind, TeamMember, Visit


def help_kinds() -> list[tuple[str, str]]:
    """(code, translated label) of every kind of help, in a stable order."""
    return [(str(value), str(label)) for value, label in HelpKind.choices]


def teams_of(*, user: Any) -> list[TeamMember]:
    return list(TeamMember.objects.filter(user=user, is_active=True)
                .select_related("team", "team__commune").order_by("team__commune", "team"))


@dataclass(frozen=True)
class Coverage:
    commune: AdministrativeUnit
    households_visited: int
    households_registered: int | None
    visits: int
    helped: dict[str, int]


def commune_coverage(*, commune: AdministrativeUnit) -> Coverage:
    """Households reached (each counted once, whatever the number of visits) against the
    households registered, and how many times each kind of help was given."""
    visits = Visit.objects.filter(commune=commune)
    reached = visits.values("household_key").distinct().count()
    helped = dict.fromkeys(HelpKind.values, 0)
    total = 0
    # `helped` is a JSON list: counted in Python over the one column, portable across
    # SQLite and PostgreSQL.
    for codes in visits.values_list("helped", flat=True).iterator(chunk_size=2000):
        total += 1
        for code in codes:
            if code in helped:
                helped[code] += 1
    registered = (CommuneHouseholds.objects.filter(commune=commune)
                  .values_list("registered", flat=True).first())
    return Coverage(commune=commune, households_visited=reached,
                    households_registered=registered, visits=total, helped=helped)


def visits_per_team(*, commune: AdministrativeUnit) -> list[dict[str, Any]]:
    return list(Visit.objects.filter(commune=commune).values("team__hamlet")
                .annotate(visits=Count("id")).order_by("-visits"))
