"""Writes of the community app: teams, members, household visits and their corrections.

Each function is one transaction that checks the rule, writes and appends the audit event.
`visit_record` is idempotent on the visit's `client_id` (made on the phone): the same body
sent again is the same visit, a different body under the same id is a conflict, and two
identical sends at the same moment store one visit (the unique constraint decides; the loser
reads the winner's row).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import AdministrativeUnit, Agency, Role
from onestop.agencies.services import staff_role_grant
from onestop.core.audit import audit_append
from onestop.core.clock import now_or
from onestop.core.csvimport import (
    ImportRefused,
    Record,
    RowInvalid,
    check_rows,
    read_table,
    records_from_table,
)
from onestop.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed

from .models import (
    Campaign,
    CampaignGoal,
    CommuneBoundary,
    CommuneHouseholds,
    HelpKind,
    MemberRole,
    Team,
    TeamMember,
    Visit,
    VisitCorrection,
)

# A phone's clock may run a little ahead of the server's: a visit this far in the "future"
# is still accepted as now.
CLOCK_SKEW = datetime.timedelta(minutes=5)


class VisitConflict(Conflict):
    default_message = _(
        "A different visit was already sent with this id. Check the visit on the phone and "
        "send it again with a new id, or correct the stored one."
    )


@dataclass(frozen=True)
class VisitPayload:
    """A visit as the phone sends it (the API's body, parsed)."""

    client_id: uuid.UUID
    visited_at: datetime.datetime
    commune_code: str
    hamlet: str
    household: str
    helped: list[str] = field(default_factory=list)
    consent: bool = False
    dossier_code: str = ""
    note: str = ""
    follow_up: str = ""

    def canonical(self) -> dict[str, Any]:
        """The body in one form, so that a resend hashes the same whatever its key order."""
        visited = self.visited_at
        if timezone.is_naive(visited):
            visited = timezone.make_aware(visited)
        return {
            "client_id": str(self.client_id),
            "visited_at": visited.astimezone(datetime.UTC).isoformat(),
            "commune_code": self.commune_code.strip(),
            "hamlet": normalize_whitespace(self.hamlet),
            "household": normalize_whitespace(self.household),
            "helped": sorted(set(self.helped)),
            "consent": bool(self.consent),
            "dossier_code": self.dossier_code.strip(),
            "note": self.note.strip(),
            # Only when given: visits sent before follow-ups existed keep their hash.
            **({"follow_up": self.follow_up.strip()} if self.follow_up.strip() else {}),
        }

    def body_hash(self) -> str:
        text = json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False,
                          separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class VisitResult:
    visit: Visit
    created: bool


def normalize_whitespace(text: str) -> str:
    return " ".join(text.split())


def household_key(hamlet: str, household: str) -> str:
    return f"{normalize_whitespace(hamlet).casefold()}|{normalize_whitespace(household).casefold()}"


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
    from .selectors import may_set_households

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


# --------------------------------------------------------------------------- visits


def _member_for(*, user: Any, commune_code: str) -> TeamMember:
    member = (TeamMember.objects.select_related("team", "team__commune")
              .filter(user=user, is_active=True, team__commune_id=commune_code)
              .order_by("pk").first())
    if member is None:
        raise NotAllowed(_("You may only log visits in the commune of your team."))
    return member


def _check(payload: VisitPayload, *, now: datetime.datetime) -> tuple[Any, datetime.datetime]:
    """The rules of a visit's content; the dossier it links to, and its aware moment."""
    if payload.consent is not True:
        raise ValidationFailed(_("The household's consent is needed to record the visit."))
    unknown = sorted(set(payload.helped) - set(HelpKind.values))
    if unknown:
        raise ValidationFailed(_("Unknown kind of help: %(codes)s."), codes=", ".join(unknown))
    if not payload.helped:
        raise ValidationFailed(_("Say what the household was helped with."))
    if not normalize_whitespace(payload.hamlet) or not normalize_whitespace(payload.household):
        raise ValidationFailed(
            _("Give the hamlet and the household (address or household book number)."))
    visited = payload.visited_at
    if timezone.is_naive(visited):
        visited = timezone.make_aware(visited)
    if visited > now + CLOCK_SKEW:
        raise ValidationFailed(_("The visit cannot be in the future."))
    dossier = None
    code = payload.dossier_code.strip()
    if code:
        from onestop.dossiers.models import Dossier

        dossier = Dossier.objects.filter(code=code).first()
        if dossier is None:
            raise ValidationFailed(_("No dossier has the code %(code)s."), code=code)
    return dossier, visited


def _answer_existing(existing: Visit, digest: str, *, user: Any) -> VisitResult:
    if existing.body_hash != digest or existing.member.user_id != user.pk:
        raise VisitConflict()
    return VisitResult(visit=existing, created=False)


def visit_record(*, member: Any, payload: VisitPayload, at: datetime.datetime | None = None,
                 is_demo: bool = False) -> VisitResult:
    """Store a visit sent by a team member (`member` is the signed-in user).

    First send: created. Same client_id and same body: the stored visit, nothing written.
    Same client_id and a different body: VisitConflict. A commune outside the member's team:
    NotAllowed. Bad content: ValidationFailed with the reason.
    """
    now = now_or(at)
    digest = payload.body_hash()
    existing = (Visit.objects.select_related("member", "commune", "dossier", "team")
                .filter(client_id=payload.client_id).first())
    if existing is not None:
        return _answer_existing(existing, digest, user=member)
    team_member = _member_for(user=member, commune_code=payload.commune_code.strip())
    dossier, visited = _check(payload, now=now)
    body = payload.canonical()
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                client_id=payload.client_id, team=team_member.team, member=team_member,
                commune=team_member.team.commune, hamlet=body["hamlet"],
                household=body["household"],
                household_key=household_key(body["hamlet"], body["household"]),
                visited_at=visited, helped=body["helped"], dossier=dossier, consent=True,
                note=body["note"], follow_up=body.get("follow_up", ""), body_hash=digest,
                is_demo=is_demo)
            audit_append(actor=member, action="community.visit_record",
                         object_type="community_visit", object_id=str(visit.client_id),
                         data={"commune": visit.commune_id, "helped": visit.helped}, at=now)
    except IntegrityError:
        # The same client_id was stored by a concurrent send a moment ago: answer as a resend.
        existing = (Visit.objects.select_related("member", "commune", "dossier", "team")
                    .filter(client_id=payload.client_id).first())
        if existing is None:
            raise
        return _answer_existing(existing, digest, user=member)
    return VisitResult(visit=visit, created=True)


@transaction.atomic
def visit_follow_up_close(*, actor: Any, client_id: uuid.UUID,
                          at: datetime.datetime | None = None) -> Visit:
    """A member of the visit's team marks its follow-up done."""
    now = now_or(at)
    visit = (Visit.objects.select_for_update(of=("self",)).select_related("team")
             .filter(client_id=client_id).first())
    if visit is None:
        raise NotFound()
    if not TeamMember.objects.filter(team=visit.team, user=actor, is_active=True).exists():
        raise NotAllowed(_("Only a member of the visit's team closes its follow-up."))
    if not visit.follow_up:
        raise ValidationFailed(_("This visit has no follow-up to close."))
    if visit.follow_up_closed_at is not None:
        raise Conflict(_("The follow-up was already closed."))
    visit.follow_up_closed_at, visit.follow_up_closed_by = now, actor
    visit.save(update_fields=["follow_up_closed_at", "follow_up_closed_by", "updated_at"])
    audit_append(actor=actor, action="community.follow_up_close",
                 object_type="community_visit", object_id=str(visit.client_id),
                 data={"follow_up": visit.follow_up}, at=now)
    return visit


CORRECTABLE = ("hamlet", "household", "visited_at", "helped", "dossier_code", "note",
               "follow_up")


def _snapshot(visit: Visit) -> dict[str, Any]:
    return {"hamlet": visit.hamlet, "household": visit.household,
            "visited_at": visit.visited_at.isoformat(), "helped": list(visit.helped),
            "dossier_code": visit.dossier.code if visit.dossier else "", "note": visit.note,
            "follow_up": visit.follow_up}


@transaction.atomic
def visit_correct(*, actor: Any, client_id: uuid.UUID, changes: dict[str, Any],
                  reason: str = "", at: datetime.datetime | None = None) -> Visit:
    """Correct a stored visit: its author within the correction window
    (ONESTOP_COMMUNITY_CORRECTION_HOURS after it was stored), afterwards only the leader of
    its team. The fields before and after are kept in the visit's history."""
    now = now_or(at)
    visit = (Visit.objects.select_for_update(of=("self",))
             .select_related("member", "team", "commune", "dossier")
             .filter(client_id=client_id).first())
    if visit is None:
        raise NotFound()
    window = datetime.timedelta(hours=settings.ONESTOP_COMMUNITY_CORRECTION_HOURS)
    is_author = visit.member.user_id == actor.pk
    is_leader = TeamMember.objects.filter(team=visit.team, user=actor, is_active=True,
                                          role=MemberRole.LEADER).exists()
    if not (is_leader or (is_author and now - visit.created_at <= window)):
        raise NotAllowed(_("After a day only the team leader may correct a visit."))
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValidationFailed(_("These fields cannot be corrected: %(fields)s."),
                               fields=", ".join(sorted(unknown)))
    before = _snapshot(visit)
    merged = {**before, **changes}
    visited_at = merged["visited_at"]
    if isinstance(visited_at, str):
        visited_at = datetime.datetime.fromisoformat(visited_at)
    payload = VisitPayload(
        client_id=visit.client_id, visited_at=visited_at, commune_code=visit.commune_id,
        hamlet=merged["hamlet"], household=merged["household"], helped=list(merged["helped"]),
        consent=True, dossier_code=merged["dossier_code"] or "", note=merged["note"] or "",
        follow_up=merged["follow_up"] or "")
    dossier, visited = _check(payload, now=now)
    body = payload.canonical()
    visit.hamlet, visit.household = body["hamlet"], body["household"]
    visit.household_key = household_key(body["hamlet"], body["household"])
    visit.visited_at, visit.helped, visit.dossier = visited, body["helped"], dossier
    visit.note = body["note"]
    visit.follow_up = body.get("follow_up", "")
    visit.version += 1
    visit.save(update_fields=["hamlet", "household", "household_key", "visited_at", "helped",
                              "dossier", "note", "follow_up", "version", "updated_at"])
    after = _snapshot(visit)
    VisitCorrection.objects.create(visit=visit, actor=actor, at=now, before=before, after=after,
                                   reason=reason.strip()[:500])
    audit_append(actor=actor, action="community.visit_correct", object_type="community_visit",
                 object_id=str(visit.client_id), reason=reason.strip()[:500],
                 data={"before": before, "after": after}, at=now)
    return visit


# --------------------------------------------------------------------------- campaigns


@transaction.atomic
def campaign_create(*, actor: Any | None, name: str, start: datetime.date, end: datetime.date,
                    kinds: list[str], goals: dict[str, int],
                    commune: AdministrativeUnit | None = None, description: str = "",
                    is_demo: bool = False, at: datetime.datetime | None = None) -> Campaign:
    """A campaign of the city (`commune` None: set by the city's leaders or admins) or of
    one commune (its leaders or admins; goals only for that commune). `goals` maps commune
    codes to the number of helps to reach. `actor` None is the system (the demo)."""
    from .selectors import is_city_manager, may_set_households

    if actor is not None:
        allowed = (is_city_manager(user=actor) if commune is None
                   else may_set_households(user=actor, commune_id=commune.code))
        if not allowed:
            raise NotAllowed(_("Only the city's leaders and admins set a city campaign, and "
                               "a commune's leaders and admins a campaign of their commune."))
    name = normalize_whitespace(name)
    if not name:
        raise ValidationFailed(_("Give the campaign a name."))
    if end < start:
        raise ValidationFailed(_("The campaign must end on or after its start."))
    unknown = sorted(set(kinds) - set(HelpKind.values))
    if unknown or not kinds:
        raise ValidationFailed(_("Choose the kinds of help that count towards the campaign."))
    goals = {code.strip(): target for code, target in goals.items() if target}
    if not goals:
        raise ValidationFailed(_("Give at least one commune a goal."))
    if any(target < 0 for target in goals.values()):
        raise ValidationFailed(_("A goal cannot be negative."))
    if commune is not None and set(goals) != {commune.code}:
        raise ValidationFailed(_("A commune's campaign has a goal for that commune only."))
    units = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=goals)}
    if set(units) != set(goals):
        raise ValidationFailed(_("Unknown commune: %(codes)s."),
                               codes=", ".join(sorted(set(goals) - set(units))))
    campaign = Campaign.objects.create(
        name=name, description=description.strip(), commune=commune, start=start, end=end,
        kinds=sorted(set(kinds)), created_by=actor, is_demo=is_demo)
    CampaignGoal.objects.bulk_create([
        CampaignGoal(campaign=campaign, commune=units[code], target=target)
        for code, target in sorted(goals.items())])
    audit_append(actor=actor, action="community.campaign_create",
                 object_type="community_campaign", object_id=campaign.pk, at=now_or(at),
                 data={"name": name, "commune": commune.code if commune else None,
                       "start": start.isoformat(), "end": end.isoformat(),
                       "kinds": campaign.kinds, "goals": goals})
    return campaign


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

    from .selectors import may_set_households

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


# --------------------------------------------------------------------------- boundaries

# Where a GeoJSON feature may carry the commune's national code (post-2025 ward codes).
CODE_PROPERTIES = ("code", "ma_xa", "ma", "ma_dvhc", "commune_code")
BOUNDARY_MAX_BYTES = 20 * 1024 * 1024


class BoundariesRefused(ImportRefused):
    default_message = _("No boundary was imported: %(count)s error(s) in the GeoJSON file.")


@transaction.atomic
def boundaries_import(*, actor: Any | None, data: bytes) -> int:
    """Communes' outlines from a GeoJSON FeatureCollection (Polygon or MultiPolygon, each
    feature naming its commune's national code in one of CODE_PROPERTIES or its `id`), all
    or nothing; a commune imported again gets the new outline. For the city's leaders and
    admins. Returns the number of communes."""
    from .selectors import is_city_manager

    if actor is not None and not is_city_manager(user=actor):
        raise NotAllowed(_("Only the city's leaders and admins import commune boundaries."))
    if len(data) > BOUNDARY_MAX_BYTES:
        raise BoundariesRefused([_("The file is larger than 20 MB.")])
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BoundariesRefused([_("The file is not GeoJSON (JSON text).")]) from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        raise BoundariesRefused([_("The file is not a GeoJSON FeatureCollection with features.")])
    errors: list[str] = []
    found: dict[str, dict[str, Any]] = {}
    for n, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            feature = {}
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        code = next((str(props[k]).strip() for k in CODE_PROPERTIES if props.get(k)), "")
        code = code or str(feature.get("id") or "").strip()
        geometry = feature.get("geometry")
        if not code:
            errors.append(_("Feature %(n)s: no commune code.") % {"n": n})
        elif not isinstance(geometry, dict) or geometry.get("type") not in (
                "Polygon", "MultiPolygon") or not geometry.get("coordinates"):
            errors.append(_("Feature %(n)s (%(code)s): not a Polygon or MultiPolygon.")
                          % {"n": n, "code": code})
        else:
            found[code] = {"type": geometry["type"], "coordinates": geometry["coordinates"]}
    units = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=found)}
    for code in sorted(set(found) - set(units)):
        errors.append(_("Unknown commune code %(code)s.") % {"code": code})
    if errors:
        raise BoundariesRefused(errors)
    for code, geometry in found.items():
        CommuneBoundary.objects.update_or_create(commune=units[code],
                                                 defaults={"geometry": geometry})
    audit_append(actor=actor, action="community.boundaries_import", object_type="commune",
                 object_id=",".join(sorted(found))[:200], data={"communes": len(found)})
    return len(found)
