"""/api/v1/community/: the exact answers other tools rely on."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from onestop.community.models import Visit
from onestop.community.services import commune_households_set
from onestop.testing import Teams, make_teams

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(db) -> Teams:
    return make_teams()


def token(client: Client, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/staff/token", {"login": username, "password": "test-pass-123"},
                    content_type="application/json")
    assert r.status_code == 200, r.content
    return {"HTTP_AUTHORIZATION": f"Bearer {r.json()['access_token']}"}


def body(**overrides: Any) -> dict[str, Any]:
    data = {
        "client_id": str(uuid.uuid4()),
        "visited_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        "commune_code": "31135", "hamlet": "Khu vực 1", "household": "Sổ hộ khẩu 123456",
        "helped": ["vneid_level2", "cashless"], "consent": True, "note": "",
    }
    data.update(overrides)
    return data


def post(client: Client, auth: dict[str, str], data: Any, path: str = "/api/v1/community/visits",
         **headers: str) -> Any:
    return client.post(path, data, content_type="application/json", **auth, **headers)


def test_help_kinds_list_the_codes(client, teams):
    r = client.get("/api/v1/community/help-kinds", **token(client, "to.vien"))
    codes = {k["code"] for k in r.json()}
    assert {"vneid", "vneid_level2", "city_app", "cashless", "online_filing"} <= codes


def test_a_member_reads_their_own_teams(client, teams):
    r = client.get("/api/v1/community/teams", **token(client, "to.truong"))
    assert r.status_code == 200
    assert r.json() == [{"team_id": teams.team.pk, "commune_code": "31135",
                         "commune": "Phường Ninh Kiều", "hamlet": "Khu vực 1",
                         "name": teams.team.name, "role": "leader"}]


def test_first_send_is_201_and_the_same_body_again_200_with_the_same_visit(client, teams):
    auth, data = token(client, "to.vien"), body()
    first = post(client, auth, data)
    assert first.status_code == 201, first.content
    again = post(client, auth, data)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Visit.objects.count() == 1


def test_the_same_client_id_with_a_different_body_is_409(client, teams):
    auth, data = token(client, "to.vien"), body()
    post(client, auth, data)
    r = post(client, auth, {**data, "household": "Sổ hộ khẩu 999999"})
    assert r.status_code == 409
    assert r.json()["code"] == "visit_conflict"


def test_a_member_of_another_commune_is_403(client, teams):
    r = post(client, token(client, "to.caikhe"), body())
    assert r.status_code == 403
    assert not Visit.objects.exists()


@pytest.mark.parametrize("bad", [
    {"consent": False},
    {"helped": ["vneid", "horoscope"]},
    {"visited_at": (timezone.now() + datetime.timedelta(days=2)).isoformat()},
    {"dossier_code": "000.00.00.H99-261201-0001"},
])
def test_bad_visits_are_refused_with_a_translated_message(client, teams, bad):
    auth = token(client, "to.vien")
    vi = post(client, auth, body(**bad))
    en = post(client, auth, body(**bad), HTTP_ACCEPT_LANGUAGE="en")
    assert vi.status_code == en.status_code == 400
    assert vi.json()["code"] == "validation_failed"
    assert vi.json()["message"] != en.json()["message"]
    assert not Visit.objects.exists()


def test_a_batch_stores_the_good_visits_and_says_which_were_refused(client, teams):
    auth = token(client, "to.vien")
    stored_before = body()
    post(client, auth, stored_before)
    visits = [body(), body(consent=False), {"client_id": "not-a-uuid"}, stored_before,
              {**stored_before, "note": "changed"}, body(commune_code="31120"), body()]
    r = post(client, auth, {"visits": visits}, path="/api/v1/community/visits/batch")
    assert r.status_code == 200, r.content
    answer = r.json()
    assert [x["status"] for x in answer["results"]] == [201, 400, 422, 200, 409, 403, 201]
    assert [x["stored"] for x in answer["results"]] == [True, False, False, True, False, False,
                                                        True]
    assert answer["stored"] == 3 and answer["refused"] == 4
    assert Visit.objects.count() == 3


def test_coverage_counts_households_once_and_helps_per_code(client, teams):
    auth = token(client, "to.vien")
    commune_households_set(commune=teams.ninhkieu, registered=1200)
    post(client, auth, body(household="12 Hai Bà Trưng", helped=["vneid", "city_app"]))
    post(client, auth, body(household="12  hai bà trưng", helped=["vneid_level2"]))
    post(client, auth, body(household="14 Hai Bà Trưng", helped=["vneid"]))
    r = client.get("/api/v1/community/coverage?commune_code=31135", **auth)
    assert r.status_code == 200
    cov = r.json()
    assert cov["households_visited"] == 2
    assert cov["households_registered"] == 1200
    assert cov["helped"]["vneid"] == 2 and cov["helped"]["vneid_level2"] == 1
    assert cov["helped"]["city_app"] == 1 and cov["helped"]["cashless"] == 0


def test_coverage_of_an_unknown_commune_is_404(client, teams):
    r = client.get("/api/v1/community/coverage?commune_code=99999", **token(client, "to.vien"))
    assert r.status_code == 404


def test_without_a_token_it_is_401(client, teams):
    assert post(client, {}, body()).status_code == 401


def patch(client: Client, auth: dict[str, str], client_id: str, data: Any, **headers: str
          ) -> Any:
    return client.patch(f"/api/v1/community/visits/{client_id}", data,
                        content_type="application/json", **auth, **headers)


def test_the_author_corrects_a_visit_the_history_and_audit_keep_both_versions(client, teams):
    from onestop.community.models import VisitCorrection
    from onestop.core.models import AuditEvent

    auth, data = token(client, "to.vien"), body(household="12 Hai Bà Trưng")
    post(client, auth, data)
    r = patch(client, auth, data["client_id"],
              {"household": "14 Hai Bà Trưng", "helped": ["vneid"], "reason": "gõ nhầm"})
    assert r.status_code == 200, r.content
    assert r.json()["household"] == "14 Hai Bà Trưng" and r.json()["version"] == 2
    assert r.json()["helped"] == ["vneid"] and r.json()["hamlet"] == "Khu vực 1"
    correction = VisitCorrection.objects.get()
    assert correction.before["household"] == "12 Hai Bà Trưng"
    assert correction.after["household"] == "14 Hai Bà Trưng" and correction.reason == "gõ nhầm"
    event = AuditEvent.objects.get(action="community.visit_correct")
    assert event.object_id == data["client_id"] and event.data["before"]["helped"] == [
        "cashless", "vneid_level2"]
    # The phone resending the original body is still the same visit, not a conflict.
    assert post(client, auth, data).status_code == 200


def test_after_the_window_the_author_gets_403_and_the_team_leader_corrects(client, teams,
                                                                         settings):
    auth, data = token(client, "to.vien"), body()
    post(client, auth, data)
    settings.ONESTOP_COMMUNITY_CORRECTION_HOURS = 0
    late = patch(client, auth, data["client_id"], {"note": "bổ sung"})
    assert late.status_code == 403 and late.json()["code"] == "not_allowed"
    leader = patch(client, token(client, "to.truong"), data["client_id"], {"note": "bổ sung"})
    assert leader.status_code == 200 and leader.json()["note"] == "bổ sung"


def test_someone_outside_the_team_cannot_correct_a_visit(client, teams):
    auth, data = token(client, "to.vien"), body()
    post(client, auth, data)
    r = patch(client, token(client, "to.caikhe"), data["client_id"], {"note": "x"})
    assert r.status_code == 403
    assert Visit.objects.get().note == ""


@pytest.mark.parametrize(("change", "status"), [
    ({}, 400), ({"reason": "only a reason"}, 400), ({"helped": ["horoscope"]}, 400),
    ({"helped": []}, 400),
    ({"visited_at": (timezone.now() + datetime.timedelta(days=2)).isoformat()}, 400),
    ({"consent": False}, 400), ({"commune_code": "31120", "note": "x"}, 400),
])
def test_a_bad_correction_is_refused_and_changes_nothing(client, teams, change, status):
    auth, data = token(client, "to.vien"), body()
    post(client, auth, data)
    r = patch(client, auth, data["client_id"], change, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == status, r.content
    assert r.json()["message"]
    assert Visit.objects.get().version == 1


def test_correcting_an_unknown_visit_is_404(client, teams):
    r = patch(client, token(client, "to.vien"), str(uuid.uuid4()), {"note": "x"})
    assert r.status_code == 404


def test_a_follow_up_is_recorded_and_closed_once_by_a_member_of_the_team(client, teams):
    from onestop.community.services import VisitPayload

    data = body(follow_up="Quay lại hướng dẫn nộp hồ sơ trực tuyến")
    first = post(client, token(client, "to.vien"), data)
    assert first.status_code == 201 and first.json()["follow_up"].startswith("Quay lại")
    assert first.json()["follow_up_closed_at"] is None
    url = f"/api/v1/community/visits/{data['client_id']}/follow-up/close"
    assert client.post(url, **token(client, "to.caikhe")).status_code == 403
    closed = client.post(url, **token(client, "to.truong"))  # the team's leader
    assert closed.status_code == 200 and closed.json()["follow_up_closed_at"]
    assert client.post(url, **token(client, "to.truong")).status_code == 409
    plain = body()
    post(client, token(client, "to.vien"), plain)
    r = client.post(f"/api/v1/community/visits/{plain['client_id']}/follow-up/close",
                    **token(client, "to.vien"))
    assert r.status_code == 400
    # A visit sent without a follow-up hashes as before follow-ups existed.
    assert "follow_up" not in VisitPayload(
        client_id=uuid.uuid4(), visited_at=timezone.now(), commune_code="31135", hamlet="a",
        household="b").canonical()
