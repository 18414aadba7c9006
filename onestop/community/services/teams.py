"""Teams, their members, a commune's registered households, and the team list import."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import AdministrativeUnit, Agency, Role
from onestop.agencies.services import staff_role_grant
from onestop.core.audit import audit_append
from onestop.core.csvimport import (
    ImportRefused,
    Record,
    RowInvalid,
    check_rows,
    read_table,
    records_from_table,
)
from onestop.core.errors import NotAllowed, ValidationFailed

from ..models import (
    CommuneHouseholds,
    MemberRole,
    Team,
    TeamMember,
)
from .visits import normalize_whitespace

# --------------------------------------------------------------------------- teams

# The columns of a team list, as communes keep them (the export writes them, the import reads
# them): one row per member.
TEAM_COLUMNS = ("commune_code", "commune", "hamlet", "decision_number", "decision_date",
                "username", "full_name", "role", "phone")


@transaction.atomic
def team_create(*, commune: AdministrativeUnit, hamlet: str, name: str = "",
                decision_number: str = "", decision_date: datetime.date | None = None,
                actor: Any | None = None, is_demo: bool = False) -> Team:
    hamlet = normalize_whitespace(hamlet)
    if not hamlet:
        raise ValidationFailed(_("Give the hamlet or area the team covers."))
    if Team.objects.filter(commune=commune, hamlet=hamlet).exists():
        raise ValidationFailed(_("This hamlet already has a team."))
    team = Team.objects.create(
        commune=commune, hamlet=hamlet,
        name=name or f"Tổ công nghệ số cộng đồng {hamlet}, {commune.name}",
        decision_number=decision_number.strip(), decision_date=decision_date, is_demo=is_demo)
    audit_append(actor=actor, action="community.team_create", object_type="community_team",
                 object_id=team.pk, data={"commune": commune.code, "hamlet": hamlet,
                                          "decision_number": team.decision_number})
    return team


@transaction.atomic
def team_member_add(*, team: Team, user: Any, role: str = MemberRole.MEMBER, phone: str = "",
                    actor: Any | None = None) -> TeamMember:
    """Add a member; they sign in as staff with the community role in their commune's
    People's Committee, which limits them to that commune."""
    if role not in MemberRole.values:
        raise ValidationFailed(_("Unknown team role."))
    committee = Agency.objects.filter(unit=team.commune, kind=Agency.Kind.COMMUNE_COMMITTEE,
                                      is_active=True).first()
    if committee is None:
        raise ValidationFailed(_("The commune has no People's Committee in the platform yet."))
    member, created = TeamMember.objects.get_or_create(
        team=team, user=user, defaults={"role": role, "phone": phone.strip()})
    if not created:
        raise ValidationFailed(_("This person is already a member of the team."))
    staff_role_grant(user=user, agency=committee, role=Role.COMMUNITY, actor=actor)
    audit_append(actor=actor, action="community.member_add", object_type="community_team",
                 object_id=team.pk, data={"user": user.pk, "role": role})
    return member


@transaction.atomic
def commune_households_set(*, commune: AdministrativeUnit, registered: int,
                           actor: Any | None = None) -> CommuneHouseholds:
    """Set a commune's registered households. `actor` None is the system (an import, the
    demo); a person must be a leader or admin of the commune or of the city."""
    from ..selectors import may_set_households

    if actor is not None and not may_set_households(user=actor, commune_id=commune.code):
        raise NotAllowed(_("Only the commune's leaders and admins keep its household count."))
    if registered < 0:
        raise ValidationFailed(_("The number of households cannot be negative."))
    row = CommuneHouseholds.objects.select_for_update().filter(commune=commune).first()
    before = row.registered if row else None
    if row is None:
        row = CommuneHouseholds.objects.create(commune=commune, registered=registered)
    else:
        row.registered = registered
        row.save(update_fields=["registered", "updated_at"])
    audit_append(actor=actor, action="community.households_set", object_type="commune",
                 object_id=commune.code, from_state="" if before is None else str(before),
                 to_state=str(registered))
    return row



# --------------------------------------------------------------------------- team list import

REQUIRED_TEAM_COLUMNS = ("commune_code", "hamlet", "username", "full_name", "role")
TEAM_IMPORT_MAX_ROWS = 5000


class TeamsImportRefused(ImportRefused):
    default_message = _("Nothing was imported: %(count)s error(s) in the team list.")


@dataclass(frozen=True)
class TeamRow:
    commune: AdministrativeUnit
    hamlet: str
    decision_number: str
    decision_date: datetime.date | None
    username: str
    full_name: str
    role: str
    phone: str


@dataclass(frozen=True)
class TeamsImported:
    teams_created: int
    members_added: int
    accounts_created: int
    already_there: int


def _decision_date(raw: Any) -> datetime.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = str(raw).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowInvalid(_("the decision date must read 2026-03-01 or 01/03/2026"))


@transaction.atomic
def teams_import(*, actor: Any | None, data: bytes, filename: str) -> TeamsImported:
    """Teams and members from a team list (CSV or XLSX, the columns of TEAM_COLUMNS; one row
    per member), all or nothing. A team is found by commune and hamlet or created; a member
    by username, or a new account made with no usable password (they set one through the
    password reset, or an admin gives one). Rows already in place are skipped. Only the
    leaders and admins of each row's commune (or of the city) may import it."""
    from django.contrib.auth import get_user_model

    from ..selectors import may_set_households

    table = read_table(data, filename, refused=TeamsImportRefused)
    records = records_from_table(table, columns=REQUIRED_TEAM_COLUMNS,
                                 max_rows=TEAM_IMPORT_MAX_ROWS, refused=TeamsImportRefused)
    units = {u.code: u for u in AdministrativeUnit.objects.filter(
        code__in={r.text("commune_code") for r in records})}

    def check(record: Record) -> TeamRow:
        problems: list[Any] = []
        unit = units.get(record.text("commune_code"))
        if unit is None:
            problems.append(_("unknown commune code"))
        elif actor is not None and not may_set_households(user=actor, commune_id=unit.code):
            problems.append(_("you do not manage this commune"))
        hamlet = normalize_whitespace(record.text("hamlet"))
        username = record.text("username")
        full_name = normalize_whitespace(record.text("full_name"))
        role = record.text("role")
        if not hamlet:
            problems.append(_("no hamlet"))
        if not username or len(username) > 150 or " " in username:
            problems.append(_("the username is empty, too long or has a space"))
        if not full_name:
            problems.append(_("no full name"))
        if role not in MemberRole.values:
            problems.append(_("the role must be one of: %(roles)s")
                            % {"roles": ", ".join(MemberRole.values)})
        try:
            decided = _decision_date(record.values.get("decision_date"))
        except RowInvalid as exc:
            problems.extend(exc.problems)
            decided = None
        if problems:
            raise RowInvalid(*problems)
        assert unit is not None
        return TeamRow(commune=unit, hamlet=hamlet,
                       decision_number=record.text("decision_number")[:50],
                       decision_date=decided, username=username, full_name=full_name[:200],
                       role=role, phone=record.text("phone")[:30])

    rows = check_rows(records, check, refused=TeamsImportRefused)
    user_model = get_user_model()
    teams_created = members_added = accounts_created = already = 0
    for row in rows:
        team = Team.objects.filter(commune=row.commune, hamlet=row.hamlet).first()
        if team is None:
            team = team_create(commune=row.commune, hamlet=row.hamlet,
                               decision_number=row.decision_number,
                               decision_date=row.decision_date, actor=actor)
            teams_created += 1
        user = user_model.objects.filter(username=row.username).first()
        if user is None:
            user = user_model.objects.create_user(username=row.username, password=None,
                                                  full_name=row.full_name)
            accounts_created += 1
        if TeamMember.objects.filter(team=team, user=user).exists():
            already += 1
            continue
        team_member_add(team=team, user=user, role=row.role, phone=row.phone, actor=actor)
        members_added += 1
    audit_append(actor=actor, action="community.teams_import", object_type="community_team",
                 object_id=filename[:100], data={"teams": teams_created,
                                                 "members": members_added,
                                                 "accounts": accounts_created})
    return TeamsImported(teams_created=teams_created, members_added=members_added,
                         accounts_created=accounts_created, already_there=already)
