"""What the demo builds and what it reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from onestop.accounts.models import User
from onestop.agencies.models import AdministrativeUnit, Agency, Membership
from onestop.catalog.models import (
    ProcedureVersion,
)

from .. import catalog as data


@dataclass
class DemoResult:
    loaded: bool  # False when the demo was already there and nothing was written
    agencies: int = 0
    users: int = 0
    procedures: int = 0
    dossiers: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    overdue: int = 0
    supplements: int = 0
    apologies: int = 0
    seconds: float = 0.0


@dataclass
class World:
    centre: Agency
    departments: dict[str, Agency]
    counters: dict[str, Agency]
    committees: dict[str, Agency]
    units: dict[str, AdministrativeUnit]
    versions: dict[str, tuple[data.ProcedureSpec, ProcedureVersion]]
    users: dict[str, User]
    citizen: User

    def staff(self, agency: Agency, role: str) -> list[User]:
        return self._by_role[(agency.pk, role)]

    def index(self) -> None:
        self._by_role: dict[tuple[int, str], list[User]] = {}
        for m in Membership.objects.filter(user__in=self.users.values()).select_related("user"):
            self._by_role.setdefault((m.agency_id, m.role), []).append(m.user)
