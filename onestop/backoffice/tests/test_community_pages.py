"""Community digital teams in the back office: who follows which communes, the numbers shown,
the team's visits with their corrections, the registered households kept by leaders."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from onestop.agencies.models import Agency, Role
from onestop.community.models import CommuneHouseholds
from onestop.community.services import (
    VisitPayload,
    commune_households_set,
    visit_correct,
    visit_record,
)
from onestop.testing import Teams, make_teams, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(db) -> Teams:
    return make_teams()


def visit(teams: Teams, household: str, helped: list[str], user=None) -> uuid.UUID:
    payload = VisitPayload(
        client_id=uuid.uuid4(), visited_at=timezone.now() - datetime.timedelta(hours=3),
        commune_code="31135", hamlet="Khu vực 1", household=household, helped=helped,
        consent=True)
    visit_record(member=user or teams.member.user, payload=payload)
    return payload.client_id


def committee_leader(teams: Teams):
    committee = Agency.objects.get(unit=teams.ninhkieu, kind=Agency.Kind.COMMUNE_COMMITTEE)
    return make_user("chutich.ninhkieu", "Võ Văn Bảy", **{Role.LEADER: committee})


def test_a_team_member_follows_only_the_commune_of_their_team(client, teams):
    commune_households_set(commune=teams.ninhkieu, registered=400)
    commune_households_set(commune=teams.caikhe, registered=300)
    visit(teams, "12 Hai Bà Trưng", ["vneid", "city_app"])
    visit(teams, "12 hai bà  trưng", ["cashless"])
    visit(teams, "14 Hai Bà Trưng", ["vneid"])
    client.force_login(teams.member.user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("backoffice:community"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Phường Ninh Kiều" in html and "Phường Cái Khế" not in html
    rows = {r.commune.code: r for r in page.context["rows"]}
    assert set(rows) == {"31135"}
    assert rows["31135"].households_visited == 2 and rows["31135"].visits == 3
    assert str(rows["31135"].percent_reached) == "0.5"  # 2 of 400 households
    assert "Share reached" in html
    assert client.get(reverse("backoffice:community_commune", args=["31120"])).status_code == 404
    other = teams.other_commune_member.team
    assert client.get(reverse("backoffice:community_team", args=[other.pk])).status_code == 404


def test_the_page_reads_in_vietnamese_by_default(client, teams):
    client.force_login(teams.member.user)
    html = client.get(reverse("backoffice:community")).content.decode()
    assert "Tổ công nghệ số cộng đồng" in html and "Số hộ đã đến" in html


def test_the_city_leaders_follow_every_commune_ranked_by_share_reached(client, teams, city):
    commune_households_set(commune=teams.ninhkieu, registered=1000)
    commune_households_set(commune=teams.caikhe, registered=10)
    visit(teams, "1 Trần Phú", ["vneid"])
    payload = VisitPayload(
        client_id=uuid.uuid4(), visited_at=timezone.now() - datetime.timedelta(hours=1),
        commune_code="31120", hamlet="Khu vực 3", household="5 Trần Văn Khéo",
        helped=["vneid"], consent=True)
    visit_record(member=teams.other_commune_member.user, payload=payload)
    client.force_login(city.leader)  # a department leader: city level
    page = client.get(reverse("backoffice:community"))
    assert [r.commune.code for r in page.context["rows"]] == ["31120", "31135"]  # 10 % > 0.1 %
    assert len(page.context["teams"]) == 2


def test_the_team_page_lists_members_and_visits_with_their_corrections(client, teams):
    client_id = visit(teams, "12 Hai Bà Trưng", ["vneid"])
    visit_correct(actor=teams.member.user, client_id=client_id,
                  changes={"household": "21 Hai Bà Trưng"}, reason="gõ nhầm số nhà")
    client.force_login(teams.leader.user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("backoffice:community_team", args=[teams.team.pk]),
                      HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lê Thị Tư" in html and "Trần Văn Năm" in html and "0901000001" in html
    assert "21 Hai Bà Trưng" in html and "VNeID e-ID activated" in html
    assert "corrected 1 time" in html and "gõ nhầm số nhà" in html
    assert "household: 12 Hai Bà Trưng → 21 Hai Bà Trưng" in html


def test_the_team_page_does_not_grow_queries_with_visits(client, teams,
                                                         django_assert_max_num_queries):
    for n in range(3):
        visit(teams, f"{n} Lý Tự Trọng", ["vneid"])
    client.force_login(teams.leader.user)
    url = reverse("backoffice:community_team", args=[teams.team.pk])
    client.get(url)
    for n in range(20):
        visit(teams, f"{n} Ngô Quyền", ["city_app"])
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200


def test_a_commune_leader_keeps_the_registered_households(client, teams):
    leader = committee_leader(teams)
    client.force_login(leader)
    page = client.get(reverse("backoffice:community_commune", args=["31135"]))
    assert page.status_code == 200 and page.context["may_set"]
    url = reverse("backoffice:community_households", args=["31135"])
    r = client.post(url, {"registered": "12.500"})
    assert r.status_code == 302
    assert CommuneHouseholds.objects.get(commune=teams.ninhkieu).registered == 12500
    r = client.post(url, {"registered": "nhiều"}, follow=True)
    assert "số nguyên" in r.content.decode()
    assert CommuneHouseholds.objects.get(commune=teams.ninhkieu).registered == 12500


def test_a_team_member_cannot_change_the_registered_households(client, teams):
    client.force_login(teams.leader.user)  # team leader: role community, not a commune leader
    assert not client.get(reverse("backoffice:community_commune", args=["31135"])
                          ).context["may_set"]
    r = client.post(reverse("backoffice:community_households", args=["31135"]),
                    {"registered": "99"}, follow=True)
    assert "lãnh đạo" in r.content.decode()
    assert not CommuneHouseholds.objects.exists()


def test_a_one_stop_officer_gets_a_403_naming_who_uses_the_area(client, teams, city):
    client.force_login(city.officer)
    r = client.get(reverse("backoffice:community"))
    assert r.status_code == 403


def test_the_visit_app_shell_is_the_same_for_everyone_and_served_by_the_app(client, teams):
    anonymous = client.get(reverse("backoffice:community_app"))
    assert anonymous.status_code == 200
    html = anonymous.content.decode()
    assert 'id="visit-app"' in html and "Lưu lượt đến hộ" in html
    assert "backoffice/community-app.js" in html and "http" not in html.split("<body")[0]
    client.force_login(teams.member.user)
    signed_in = client.get(reverse("backoffice:community_app")).content.decode()
    # Kept by the service worker for offline use: it must not name whoever opened it.
    assert "Trần Văn Năm" not in signed_in and "to.vien" not in signed_in
    worker = client.get(reverse("backoffice:community_app_sw"))
    assert worker["Content-Type"].startswith("application/javascript")
    assert reverse("backoffice:community_app") in worker.content.decode()
    manifest = client.get(reverse("backoffice:community_app_manifest")).json()
    assert manifest["start_url"] == manifest["scope"] == reverse("backoffice:community_app")


def test_coverage_and_team_lists_download_as_csv_and_xlsx(client, teams):
    import io

    from openpyxl import load_workbook

    commune_households_set(commune=teams.ninhkieu, registered=8)
    visit(teams, "12 Hai Bà Trưng", ["vneid", "cashless"])
    client.force_login(teams.leader.user)
    csv_text = client.get(reverse("backoffice:community_export", args=["coverage", "csv"])
                          ).content.decode("utf-8-sig")
    lines = csv_text.splitlines()
    assert lines[0].startswith("Mã xã, phường") or lines[0].startswith('"Mã xã, phường"')
    assert lines[1].startswith("31135,Phường Ninh Kiều,1,8,12.5,1,1,0,0,1")
    book = load_workbook(io.BytesIO(client.get(
        reverse("backoffice:community_export", args=["teams", "xlsx"])).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("commune_code", "commune", "hamlet")
    assert {r[5] for r in rows[1:]} == {"to.truong", "to.vien"}  # Ninh Kiều only
    assert ("31135", "Phường Ninh Kiều", "Khu vực 1", "12/QĐ-UBND") == rows[1][:4]


def test_the_leaderboard_ranks_teams_and_the_week_table_counts_visits(client, teams, city):
    visit(teams, "1 Lý Tự Trọng", ["vneid", "city_app"])
    visit(teams, "2 Lý Tự Trọng", ["vneid"])
    payload = VisitPayload(
        client_id=uuid.uuid4(), visited_at=timezone.now() - datetime.timedelta(hours=1),
        commune_code="31120", hamlet="Khu vực 3", household="5 Trần Phú", helped=["cashless"],
        consent=True)
    visit_record(member=teams.other_commune_member.user, payload=payload)
    client.force_login(city.leader)
    leaders = client.get(reverse("backoffice:community")).context["leaders"]
    assert [(s.team.hamlet, s.visits, s.helps, s.households) for s in leaders] == [
        ("Khu vực 1", 2, 3, 2), ("Khu vực 3", 1, 1, 1)]
    weeks = client.get(reverse("backoffice:community_commune", args=["31135"])
                       ).context["weeks"]
    assert len(weeks) == 12 and sum(w.visits for w in weeks) == 2
    assert weeks[-1].week.weekday() == 0


def test_a_member_closes_an_open_follow_up_on_the_team_page(client, teams):
    payload = VisitPayload(
        client_id=uuid.uuid4(), visited_at=timezone.now() - datetime.timedelta(hours=2),
        commune_code="31135", hamlet="Khu vực 1", household="9 Ngô Quyền", helped=["vneid"],
        consent=True, follow_up="Quay lại cài ứng dụng")
    visit_record(member=teams.member.user, payload=payload)
    client.force_login(teams.leader.user)
    url = reverse("backoffice:community_team", args=[teams.team.pk])
    assert "Quay lại cài ứng dụng" in client.get(url).content.decode()
    r = client.post(reverse("backoffice:community_follow_up_close", args=[payload.client_id]),
                    follow=True)
    assert r.status_code == 200 and [v.pk for v in r.context["follow_ups"]] == []
    leaders = client.get(reverse("backoffice:community")).context["leaders"]
    assert leaders[0].follow_ups_closed == 1
    client.force_login(teams.other_commune_member.user)  # another commune: not even found
    assert client.post(reverse("backoffice:community_follow_up_close",
                               args=[payload.client_id])).status_code == 404
