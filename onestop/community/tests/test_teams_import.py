"""The team list import: the columns communes keep, all or nothing, every bad line named."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onestop.accounts.models import User
from onestop.agencies.models import Agency, Role
from onestop.community.models import Team, TeamMember
from onestop.community.services import TEAM_COLUMNS, TeamsImportRefused, teams_import
from onestop.testing import make_user

pytestmark = pytest.mark.django_db

HEADER = ",".join(TEAM_COLUMNS)


def commune_leader(teams):
    committee = Agency.objects.get(unit=teams.ninhkieu, kind=Agency.Kind.COMMUNE_COMMITTEE)
    return make_user("chutich", "Võ Văn Bảy", **{Role.LEADER: committee})


def test_a_commune_leader_imports_new_teams_members_and_accounts(teams):
    csv = "\n".join([
        HEADER,
        "31135,Phường Ninh Kiều,Khu vực 1,12/QĐ-UBND,2026-01-15,to.vien,Trần Văn Năm,member,",
        "31135,Phường Ninh Kiều,Khu vực 7,15/QĐ-UBND,15/01/2026,kv7.truong,Ngô Thị Tám,leader,"
        "0900111222",
        "31135,,Khu vực 7,,,kv7.cong-an,Lý Văn Chín,police,",
    ]).encode()
    result = teams_import(actor=commune_leader(teams), data=csv, filename="to.csv")
    assert (result.teams_created, result.members_added, result.accounts_created,
            result.already_there) == (1, 2, 2, 1)
    team = Team.objects.get(hamlet="Khu vực 7")
    assert team.decision_number == "15/QĐ-UBND" and str(team.decision_date) == "2026-01-15"
    leader = TeamMember.objects.get(team=team, user__username="kv7.truong")
    assert leader.role == "leader" and leader.phone == "0900111222"
    assert not User.objects.get(username="kv7.truong").has_usable_password()


def test_a_bad_list_is_refused_whole_naming_every_bad_line(teams, english):
    csv = "\n".join([
        HEADER,
        "31135,,Khu vực 8,,,ok.user,Người Tốt,member,",
        "99999,,Khu vực 1,,,x,Ai,member,",
        "31135,,,,,has space,Ai,chief,",
        "31135,,Khu vực 1,,hôm qua,y,Ai,member,",
    ]).encode()
    with pytest.raises(TeamsImportRefused) as exc:
        teams_import(actor=None, data=csv, filename="to.csv")
    assert [e.split(":")[0] for e in exc.value.errors] == ["Line 3", "Line 4", "Line 5"]
    assert "role" in exc.value.errors[1] and "decision date" in exc.value.errors[2]
    assert not Team.objects.filter(hamlet="Khu vực 8").exists()


def test_a_leader_imports_only_their_own_commune(teams):
    csv = f"{HEADER}\n31120,,Khu vực 9,,,z,Ai Đó,member,\n".encode()
    with pytest.raises(TeamsImportRefused):
        teams_import(actor=commune_leader(teams), data=csv, filename="to.csv")


def test_the_downloaded_list_imports_back_as_already_there(client, teams):
    client.force_login(commune_leader(teams))
    xlsx = client.get(reverse("backoffice:community_export", args=["teams", "xlsx"])).content
    result = teams_import(actor=None, data=xlsx, filename="to.xlsx")
    assert (result.teams_created, result.members_added, result.already_there) == (0, 0, 2)


def test_the_back_office_upload_reports_the_result(client, teams):
    client.force_login(commune_leader(teams))
    csv = f"{HEADER}\n31135,,Khu vực 2,,,kv2,Đinh Văn Mười,leader,\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(reverse("backoffice:community_teams_import"),
                    {"file": SimpleUploadedFile("to.csv", csv, "text/csv")}, follow=True)
    assert r.status_code == 200 and "1" in r.content.decode()
    assert Team.objects.filter(hamlet="Khu vực 2").exists()
    client.force_login(teams.member.user)  # a team member manages no commune
    assert not client.get(reverse("backoffice:community")).context["may_import"]
