"""Demo data: community digital teams in the five demo communes and their household visits.

Every team, member and visit is made through onestop.community.services, each visit with its
moment in the last 60 days (`at=`), so the audit log and the coverage read as if the teams
had really gone door to door. Teams and visits carry `is_demo`; the registered household
counts are demo figures, not official statistics. Households are fictitious addresses on a
real street of each commune; no person is named.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from onestop.accounts.models import User
from onestop.agencies.models import AdministrativeUnit

from . import services
from .models import HelpKind, MemberRole, Team

VN = ZoneInfo("Asia/Ho_Chi_Minh")
WINDOW_DAYS = 60
VISITS_PER_COMMUNE = 60

# The hamlets (khu vực of a ward, ấp of a commune) given a team in each demo commune.
HAMLETS: dict[str, tuple[str, ...]] = {
    "ninhkieu": ("Khu vực 1", "Khu vực 2", "Khu vực 3"),
    "caikhe": ("Khu vực 1", "Khu vực 4"),
    "cairang": ("Khu vực Yên Thượng", "Khu vực Phú Thạnh"),
    "binhthuy": ("Khu vực Bình Phó", "Khu vực 5"),
    "phongdien": ("Ấp Nhơn Lộc 1", "Ấp Nhơn Lộc 2", "Ấp Thị Tứ"),
}

# Registered households (demo figures, not official statistics): the coverage denominator.
HOUSEHOLDS: dict[str, int] = {
    "ninhkieu": 1800, "caikhe": 1500, "cairang": 1200, "binhthuy": 1300, "phongdien": 900,
}

# Team members, fictitious. The first of each commune is the leader of its first team and
# signs in as `team.<commune>`; the others are `team.<commune>.<n>`.
MEMBER_NAMES = (
    "Nguyễn Thị Thu", "Trần Minh Quân", "Lê Hoàng Phúc", "Phạm Ngọc Hân", "Võ Thanh Tùng",
    "Đặng Thị Kim", "Huỳnh Quốc Bảo", "Bùi Thị Diễm", "Ngô Văn Khải", "Dương Mỹ Linh",
)

# How often each kind of help is given on a visit (most visits help with the e-ID).
HELP_WEIGHTS = (
    (HelpKind.VNEID, 40), (HelpKind.VNEID_LEVEL2, 30), (HelpKind.CITY_APP, 35),
    (HelpKind.CASHLESS, 25), (HelpKind.QUESTION, 20),
)


@dataclass(frozen=True)
class DemoCommunity:
    teams: int
    members: int
    visits: int


def _help(rng: random.Random) -> list[str]:
    helped = {str(kind) for kind, weight in HELP_WEIGHTS if rng.randrange(100) < weight}
    return sorted(helped or {str(HelpKind.VNEID)})


def _moment(rng: random.Random, now: datetime.datetime) -> datetime.datetime:
    """A moment in the window when teams go out: daytime and early evening, any day."""
    day = now - datetime.timedelta(days=rng.randrange(1, WINDOW_DAYS + 1))
    local = day.astimezone(VN)
    hour = rng.choice((8, 9, 10, 14, 15, 16, 18, 19))
    return local.replace(hour=hour, minute=rng.randrange(60), second=0, microsecond=0)


def load_demo_community(*, units: dict[str, AdministrativeUnit], streets: dict[str, str],
                        password: str, now: datetime.datetime,
                        rng: random.Random) -> DemoCommunity:
    """Teams in each commune (slug -> unit), their members' accounts (the demo password's
    hash), registered households and VISITS_PER_COMMUNE visits each over the last 60 days.

    Call after the communes' People's Committees and the demo dossiers exist: members get
    their role in the committee, and an online-filing visit links a real demo dossier of the
    commune.
    """
    from onestop.dossiers.models import Dossier

    teams = members = visits = 0
    names = iter(MEMBER_NAMES * 3)
    for slug, unit in units.items():
        services.commune_households_set(commune=unit, registered=HOUSEHOLDS.get(slug, 1000))
        crew: list[tuple[Team, User]] = []
        for index, hamlet in enumerate(HAMLETS.get(slug, ("Khu vực 1",))):
            team = services.team_create(
                commune=unit, hamlet=hamlet, decision_number=f"{10 + index}/QĐ-UBND (demo)",
                decision_date=(now - datetime.timedelta(days=120)).date(), is_demo=True)
            teams += 1
            username = f"team.{slug}" if index == 0 else f"team.{slug}.{index + 1}"
            leader = User.objects.create(username=username, full_name=next(names),
                                         password=password)
            services.team_member_add(team=team, user=leader, role=MemberRole.LEADER,
                                     phone=f"0900{index + 1}{len(crew):02d}{visits % 1000:03d}")
            members += 1
            crew.append((team, leader))
        # Dossiers received at this commune's counter: an online-filing visit links one that
        # existed at the moment of the visit.
        dossiers = list(Dossier.objects.filter(receiving_agency__unit=unit)
                        .order_by("submitted_at").values_list("code", "submitted_at"))
        households: list[tuple[str, str]] = []
        for _n in range(VISITS_PER_COMMUNE):
            team, member = rng.choice(crew)
            if households and rng.randrange(100) < 15:
                # A follow-up: the same household visited again.
                hamlet, household = rng.choice(households)
                team = next((t for t, _u in crew if t.hamlet == hamlet), team)
                member = next(u for t, u in crew if t == team)
            else:
                hamlet = team.hamlet
                household = f"Số {rng.randrange(1, 400)}, {streets.get(slug, 'Đường 30/4')}"
                households.append((hamlet, household))
            visited_at = _moment(rng, now)
            helped = _help(rng)
            dossier_code = ""
            earlier = [code for code, created in dossiers if created < visited_at and code]
            if earlier and rng.randrange(100) < 20:
                helped = sorted({*helped, str(HelpKind.ONLINE_FILING)})
                dossier_code = rng.choice(earlier)
            note = rng.choice(("", "", "", "Hộ có người cao tuổi, cần hỗ trợ thêm."))
            follow_up = rng.choice(("",) * 5 + ("Hẹn quay lại hướng dẫn nộp hồ sơ trực tuyến.",
                                                "Quay lại kích hoạt VNeID mức 2 khi có CCCD."))
            payload = services.VisitPayload(
                client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                visited_at=visited_at, commune_code=unit.code, hamlet=hamlet,
                household=household, helped=helped, consent=True, dossier_code=dossier_code,
                note=note, follow_up=follow_up)
            # Synced a little after the visit, as a phone back in signal would.
            synced = visited_at + datetime.timedelta(minutes=rng.randrange(1, 90))
            services.visit_record(member=member, payload=payload, is_demo=True, at=synced)
            closed = synced + datetime.timedelta(days=rng.randrange(1, 8))
            if follow_up and closed < now and rng.randrange(100) < 60:
                services.visit_follow_up_close(actor=member, client_id=payload.client_id,
                                               at=closed)
            visits += 1
    # A city campaign over the demo's window and the month after it (demo goals).
    today = now.astimezone(VN).date()
    services.campaign_create(
        actor=None, name="Kích hoạt định danh điện tử VNeID mức 2 (demo)",
        description="Chiến dịch mẫu: chỉ tiêu lượt hỗ trợ kích hoạt VNeID mức 2 của từng "
                    "xã, phường.",
        start=today - datetime.timedelta(days=WINDOW_DAYS),
        end=today + datetime.timedelta(days=30), kinds=[str(HelpKind.VNEID_LEVEL2)],
        goals={unit.code: 40 for unit in units.values()}, is_demo=True, at=now)
    return DemoCommunity(teams=teams, members=members, visits=visits)
