"""Reads of the community app: help kinds, a member's teams, a commune's coverage."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, F, Func, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncWeek

from onestop.agencies.models import AdministrativeUnit

from .models import (
    Campaign,
    CommuneHouseholds,
    HelpKind,
    Team,
    TeamMember,
    Visit,
    VisitCorrection,
)


def help_kinds() -> list[tuple[str, str]]:
    """(code, translated label) of every kind of help, in a stable order."""
    return [(str(value), str(label)) for value, label in HelpKind.choices]


def teams_of(*, user: Any) -> list[TeamMember]:
    return list(TeamMember.objects.filter(user=user, is_active=True)
                .select_related("team", "team__commune").order_by("team__commune", "team"))


def percent(part: int, whole: int | None) -> Decimal | None:
    """part / whole in per cent, one decimal (Decimal: shown, never a float)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Coverage:
    commune: AdministrativeUnit
    households_visited: int
    households_registered: int | None
    visits: int
    helped: dict[str, int]

    @property
    def percent_reached(self) -> Decimal | None:
        return percent(self.households_visited, self.households_registered)


def commune_coverage(*, commune: AdministrativeUnit) -> Coverage:
    """Households reached (each counted once, whatever the number of visits) against the
    households registered, and how many times each kind of help was given."""
    visits = Visit.objects.filter(commune=commune)
    reached = visits.values("household_key").distinct().count()
    helped = dict.fromkeys(HelpKind.values, 0)
    total = visits.count()
    for code, count in _helps_per_code(commune_id=commune.code):
        if code in helped:
            helped[code] = count
    registered = (CommuneHouseholds.objects.filter(commune=commune)
                  .values_list("registered", flat=True).first())
    return Coverage(commune=commune, households_visited=reached,
                    households_registered=registered, visits=total, helped=helped)


def _helps_length() -> Func:
    """The number of helps of a visit (the length of its `helped` JSON array), in SQL."""
    name = "jsonb_array_length" if connection.vendor == "postgresql" else "json_array_length"
    return Func(F("helped"), function=name, output_field=IntegerField())


def _helps_per_code(*, commune_id: str) -> list[tuple[str, int]]:
    """(code, visits that gave that help) in the commune, counted by the database: `helped`
    is a JSON array, unnested with jsonb_array_elements_text on PostgreSQL and json_each on
    SQLite (counting in Python over every visit cost 280 ms with 100,000 visits)."""
    table = connection.ops.quote_name(Visit._meta.db_table)
    if connection.vendor == "postgresql":
        sql = (f"SELECT h.code, COUNT(*) FROM {table} v, "
               f"jsonb_array_elements_text(v.helped) AS h(code) "
               f"WHERE v.commune_id = %s GROUP BY h.code")
    elif connection.vendor == "sqlite":
        sql = (f"SELECT h.value, COUNT(*) FROM {table} v, json_each(v.helped) h "
               f"WHERE v.commune_id = %s GROUP BY h.value")
    else:  # another database: count in Python, portable
        counts: dict[str, int] = {}
        for codes in (Visit.objects.filter(commune_id=commune_id)
                      .values_list("helped", flat=True).iterator(chunk_size=2000)):
            for code in codes:
                counts[code] = counts.get(code, 0) + 1
        return list(counts.items())
    with connection.cursor() as cursor:
        cursor.execute(sql, [commune_id])
        return [(str(code), int(count)) for code, count in cursor.fetchall()]


def visits_per_team(*, commune: AdministrativeUnit) -> list[dict[str, Any]]:
    return list(Visit.objects.filter(commune=commune).values("team__hamlet")
                .annotate(visits=Count("id")).order_by("-visits"))


# --------------------------------------------------------------------------- back office


def communes_visible_to(*, user: Any) -> list[AdministrativeUnit] | None:
    """The communes whose teams and visits a user follows; None means every commune.

    A team member sees the communes of their teams; a leader or agency admin of a commune's
    agencies sees that commune; a leader or admin of a city-level agency (the centre, a
    department: the city's digital-transformation office sits there) and a superuser see
    every commune.
    """
    from onestop.agencies.models import Membership, Role

    if getattr(user, "is_superuser", False):
        return None
    rows = (Membership.objects.filter(user=user, agency__is_active=True,
                                      role__in=(Role.LEADER, Role.ADMIN))
            .values_list("agency__unit_id", "agency__parent__unit_id"))
    ids: set[str] = set()
    for unit_id, parent_unit_id in rows:
        if unit_id is None and parent_unit_id is None:
            return None
        ids.add(unit_id or parent_unit_id)
    ids.update(TeamMember.objects.filter(user=user, is_active=True)
               .values_list("team__commune_id", flat=True))
    return list(AdministrativeUnit.objects.filter(code__in=ids).order_by("name"))


def communes_followed(*, user: Any) -> list[AdministrativeUnit]:
    """The communes to list for a user: theirs, or every commune with a team or a household
    count when they see the whole city."""
    visible = communes_visible_to(user=user)
    if visible is not None:
        return visible
    codes = set(Team.objects.values_list("commune_id", flat=True))
    codes.update(CommuneHouseholds.objects.values_list("commune_id", flat=True))
    return list(AdministrativeUnit.objects.filter(code__in=codes).order_by("name"))


def open_follow_ups(*, team: Team, limit: int = 100) -> list[Visit]:
    return list(Visit.objects.filter(team=team, follow_up_closed_at__isnull=True)
                .exclude(follow_up="").select_related("member__user")
                .order_by("visited_at")[:limit])


def may_follow(*, user: Any, commune_id: str) -> bool:
    visible = communes_visible_to(user=user)
    return visible is None or any(u.code == commune_id for u in visible)


def teams_in(*, communes: list[AdministrativeUnit]) -> list[Team]:
    """Teams with their number of active members and of visits (two counted subqueries, so
    the visits do not multiply the members)."""
    members = (TeamMember.objects.filter(team=OuterRef("pk"), is_active=True)
               .values("team").annotate(n=Count("id")).values("n"))
    visits = (Visit.objects.filter(team=OuterRef("pk")).values("team")
              .annotate(n=Count("id")).values("n"))
    return list(Team.objects.filter(commune__in=communes).select_related("commune")
                .annotate(member_count=Coalesce(Subquery(members), 0),
                          visit_count=Coalesce(Subquery(visits), 0))
                .order_by("commune__name", "hamlet"))


def team_rows(*, communes: list[AdministrativeUnit]) -> list[tuple[Team, TeamMember]]:
    """(team, member) for every active member of the communes' teams, in list order."""
    members = (TeamMember.objects.filter(team__commune__in=communes, is_active=True)
               .select_related("team", "team__commune", "user")
               .order_by("team__commune__name", "team__hamlet", "role", "user__full_name"))
    return [(m.team, m) for m in members]


def team_members(*, team: Team) -> list[TeamMember]:
    return list(team.members.select_related("user").order_by("-is_active", "role",
                                                            "user__full_name"))


def team_visits(*, team: Team, limit: int = 100) -> list[Visit]:
    """The team's latest visits, each with its member, its dossier and its corrections (the
    history: before, after, by whom)."""
    return list(Visit.objects.filter(team=team)
                .select_related("member__user", "dossier")
                .prefetch_related(Prefetch("corrections",
                                           VisitCorrection.objects.select_related("actor")))
                .order_by("-visited_at")[:limit])


def _managed_units(user: Any) -> set[str | None]:
    """The units of the agencies where the user is a leader or agency admin (None: a
    city-level agency)."""
    from onestop.agencies.models import Membership, Role

    rows = (Membership.objects.filter(user=user, agency__is_active=True,
                                      role__in=(Role.LEADER, Role.ADMIN))
            .values_list("agency__unit_id", "agency__parent__unit_id"))
    return {unit or parent for unit, parent in rows}


def may_set_households(*, user: Any, commune_id: str) -> bool:
    """Leaders and agency admins of the commune (or of the city) keep its household count
    and set its campaigns; team members only read them."""
    if getattr(user, "is_superuser", False):
        return True
    units = _managed_units(user)
    return None in units or commune_id in units


def is_city_manager(*, user: Any) -> bool:
    """A leader or agency admin of a city-level agency (or a superuser): sets city
    campaigns."""
    return bool(getattr(user, "is_superuser", False)) or None in _managed_units(user)


@dataclass(frozen=True)
class HamletRow:
    hamlet: str
    households_visited: int
    visits: int


def hamlet_coverage(*, commune: AdministrativeUnit) -> list[HamletRow]:
    rows = (Visit.objects.filter(commune=commune).values("hamlet")
            .annotate(households=Count("household_key", distinct=True), visits=Count("id"))
            .order_by("hamlet"))
    return [HamletRow(hamlet=r["hamlet"], households_visited=r["households"],
                      visits=r["visits"]) for r in rows]


# --------------------------------------------------------------------------- DTI feed


@dataclass(frozen=True)
class DigitalSociety:
    """What the visits say about the digital-society indicators of the DTI, per household.

    The DTI (Decision 922/QĐ-BTTTT) counts adults with an e-ID, with a cashless account and
    using online public services; the visits know households, not adults, so each share is
    households helped with that kind (at least once, up to `until`) over households
    registered: a lower bound, labelled as such in its provenance.
    """

    until: datetime.datetime
    households_registered: int
    households_reached: int
    with_eid: int
    with_cashless: int
    with_online_services: int

    def share(self, count: int) -> Decimal:
        if not self.households_registered:
            return Decimal(0)
        return min(Decimal(1), Decimal(count) / Decimal(self.households_registered))

    @property
    def value(self) -> Decimal:
        """The mean of the three shares, 0–1 (six decimals, as the DTI publishes)."""
        total = (self.share(self.with_eid) + self.share(self.with_cashless)
                 + self.share(self.with_online_services))
        return (total / 3).quantize(Decimal("0.000001"), ROUND_HALF_UP)

    def provenance(self) -> str:
        def part(name: str, count: int) -> str:
            whole = self.households_registered
            return f"{name} {count}/{whole} ({percent(count, whole)} %)"

        last_day = (self.until - datetime.timedelta(microseconds=1)).astimezone(VN).date()
        return (f"community visits up to {last_day.isoformat()}: households helped "
                f"with {part('e-ID (VNeID)', self.with_eid)}, "
                f"{part('a cashless account', self.with_cashless)}, "
                f"{part('online filing', self.with_online_services)}; value = mean of the "
                f"three shares; {self.households_reached} households reached. Households, "
                f"not adults: a lower bound until the national figures are entered.")


EID_KINDS = frozenset({HelpKind.VNEID, HelpKind.VNEID_LEVEL2})


def digital_society(*, communes: list[AdministrativeUnit] | None,
                    until: datetime.datetime) -> DigitalSociety | None:
    """The digital-society figures of some communes (None: every commune) from the visits
    made before `until`; None when none of them has a registered household count."""
    registered_rows = CommuneHouseholds.objects.all()
    visits = Visit.objects.filter(visited_at__lt=until)
    if communes is not None:
        registered_rows = registered_rows.filter(commune__in=communes)
        visits = visits.filter(commune__in=communes)
    registered = sum(registered_rows.values_list("registered", flat=True))
    if not registered:
        return None
    reached: set[tuple[str, str]] = set()
    eid: set[tuple[str, str]] = set()
    cashless: set[tuple[str, str]] = set()
    online: set[tuple[str, str]] = set()
    for commune_id, key, codes in visits.values_list("commune_id", "household_key",
                                                     "helped").iterator(chunk_size=2000):
        household = (commune_id, key)
        reached.add(household)
        if EID_KINDS & set(codes):
            eid.add(household)
        if HelpKind.CASHLESS in codes:
            cashless.add(household)
        if HelpKind.ONLINE_FILING in codes:
            online.add(household)
    return DigitalSociety(until=until, households_registered=registered,
                          households_reached=len(reached), with_eid=len(eid),
                          with_cashless=len(cashless), with_online_services=len(online))


# --------------------------------------------------------------------------- campaigns

VN = datetime.timezone(datetime.timedelta(hours=7))  # Asia/Ho_Chi_Minh: UTC+7, no summer time
VN_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")  # for the database's date truncation


@dataclass(frozen=True)
class GoalRow:
    commune: AdministrativeUnit
    target: int
    done: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.done, self.target)


@dataclass(frozen=True)
class CampaignProgress:
    campaign: Campaign
    rows: list[GoalRow]

    @property
    def target(self) -> int:
        return sum(r.target for r in self.rows)

    @property
    def done(self) -> int:
        return sum(r.done for r in self.rows)

    @property
    def percent(self) -> Decimal | None:
        return percent(self.done, self.target)


def campaigns_for(*, user: Any) -> list[Campaign]:
    """City campaigns, and the campaigns of the communes the user follows."""
    visible = communes_visible_to(user=user)
    campaigns = Campaign.objects.select_related("commune").prefetch_related("goals__commune")
    if visible is not None:
        campaigns = campaigns.filter(Q(commune__isnull=True) | Q(commune__in=visible))
    return list(campaigns)


def campaign_progress(*, campaign: Campaign) -> CampaignProgress:
    """Helps towards each commune's goal: visits in the campaign's days (Vietnam time) that
    helped with at least one of its kinds, each visit counted once."""
    goals = list(campaign.goals.select_related("commune"))
    start = datetime.datetime.combine(campaign.start, datetime.time(), tzinfo=VN)
    end = datetime.datetime.combine(campaign.end + datetime.timedelta(days=1), datetime.time(),
                                    tzinfo=VN)
    kinds = set(campaign.kinds)
    done = dict.fromkeys((g.commune_id for g in goals), 0)
    rows = (Visit.objects.filter(commune_id__in=list(done), visited_at__gte=start,
                                 visited_at__lt=end)
            .values_list("commune_id", "helped"))
    for commune_id, codes in rows.iterator(chunk_size=2000):
        if kinds & set(codes):
            done[commune_id] += 1
    return CampaignProgress(campaign=campaign, rows=[
        GoalRow(commune=g.commune, target=g.target, done=done[g.commune_id]) for g in goals])


# --------------------------------------------------------------------------- leaderboard, trend


@dataclass(frozen=True)
class TeamScore:
    team: Team
    visits: int
    helps: int
    households: int
    follow_ups_closed: int


def team_leaderboard(*, communes: list[AdministrativeUnit],
                     since: datetime.datetime) -> list[TeamScore]:
    """Teams of the communes ranked by visits since `since` (then helps given, households
    reached); with the follow-ups they closed since then. Teams with no visit are listed
    last, with zeros."""
    teams = {t.pk: t for t in Team.objects.filter(commune__in=communes)
             .select_related("commune")}
    counted = {r["team_id"]: r for r in (
        Visit.objects.filter(team_id__in=list(teams), visited_at__gte=since)
        .values("team_id")
        .annotate(visits=Count("id"), helps=Sum(_helps_length()),
                  households=Count("household_key", distinct=True)))}
    zero = {"visits": 0, "helps": 0, "households": 0}
    closed = dict(Visit.objects.filter(team_id__in=list(teams), follow_up_closed_at__gte=since)
                  .values("team_id").annotate(n=Count("id")).values_list("team_id", "n"))
    scores = [TeamScore(team=t, visits=counted.get(pk, zero)["visits"],
                        helps=counted.get(pk, zero)["helps"] or 0,
                        households=counted.get(pk, zero)["households"],
                        follow_ups_closed=closed.get(pk, 0))
              for pk, t in teams.items()]
    return sorted(scores, key=lambda s: (-s.visits, -s.helps, -s.households,
                                         s.team.commune.name, s.team.hamlet))


@dataclass(frozen=True)
class WeekRow:
    week: datetime.date  # the Monday
    visits: int
    helps: int


def weekly_trend(*, commune: AdministrativeUnit, now: datetime.datetime,
                 weeks: int = 12) -> list[WeekRow]:
    """Visits and helps per week (Monday to Sunday, Vietnam time) for the last `weeks`
    weeks, the current one last; weeks with no visit are there with zeros."""
    today = now.astimezone(VN).date()
    first = today - datetime.timedelta(days=today.weekday(), weeks=weeks - 1)
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=VN)
    counts = {first + datetime.timedelta(weeks=n): [0, 0] for n in range(weeks)}
    rows = (Visit.objects.filter(commune=commune, visited_at__gte=start, visited_at__lte=now)
            .annotate(week=TruncWeek("visited_at", tzinfo=VN_ZONE)).values("week")
            .annotate(visits=Count("id"), helps=Sum(_helps_length())))
    for row in rows:
        week = row["week"]
        monday = week.date() if isinstance(week, datetime.datetime) else week
        if monday in counts:
            counts[monday] = [row["visits"], row["helps"] or 0]
    return [WeekRow(week=w, visits=v, helps=h) for w, (v, h) in sorted(counts.items())]


# --------------------------------------------------------------------------- map


def coverage_map(*, rows: list[Coverage]) -> Any:
    """The SVG map of the communes in `rows` that have an imported outline (None when none
    has), else the caller shows maps.ranked_bars."""
    from . import maps
    from .models import CommuneBoundary

    outlines = dict(CommuneBoundary.objects.filter(commune__in=[r.commune for r in rows])
                    .values_list("commune_id", "geometry"))
    return maps.draw((r.commune.code, r.commune.name, r.percent_reached,
                      outlines[r.commune.code]) for r in rows if r.commune.code in outlines)
