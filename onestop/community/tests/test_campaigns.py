"""Campaigns: goals per commune over a period, progress from the visits that count."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from onestop.agencies.models import Agency, Role
from onestop.community.models import Campaign
from onestop.community.selectors import campaign_progress
from onestop.community.services import VisitPayload, campaign_create, visit_record
from onestop.core.errors import NotAllowed, ValidationFailed
from onestop.testing import make_user

pytestmark = pytest.mark.django_db


def visit(user, helped: list[str], *, days_ago: int = 1, commune: str = "31135") -> None:
    visit_record(member=user, payload=VisitPayload(
        client_id=uuid.uuid4(), visited_at=timezone.now() - datetime.timedelta(days=days_ago),
        commune_code=commune, hamlet="Khu vực 1" if commune == "31135" else "Khu vực 3",
        household=f"{uuid.uuid4().hex[:6]} Hai Bà Trưng", helped=helped, consent=True))


def today() -> datetime.date:
    return timezone.localdate()


def test_progress_counts_visits_in_the_period_that_helped_with_a_counted_kind(teams):
    campaign = campaign_create(actor=None, name="Kích hoạt VNeID mức 2",
                               start=today() - datetime.timedelta(days=10), end=today(),
                               kinds=["vneid_level2"], goals={"31135": 4, "31120": 2})
    visit(teams.member.user, ["vneid_level2", "city_app"])
    visit(teams.member.user, ["vneid_level2"])
    visit(teams.member.user, ["city_app"])  # does not count
    visit(teams.member.user, ["vneid_level2"], days_ago=30)  # before the campaign
    visit(teams.other_commune_member.user, ["vneid_level2"], commune="31120")
    progress = campaign_progress(campaign=campaign)
    rows = {r.commune.code: (r.done, r.target, str(r.percent)) for r in progress.rows}
    assert rows == {"31135": (2, 4, "50.0"), "31120": (1, 2, "50.0")}
    assert (progress.done, progress.target) == (3, 6)


def test_a_commune_leader_sets_a_campaign_of_their_commune_only(teams):
    committee = Agency.objects.get(unit=teams.ninhkieu, kind=Agency.Kind.COMMUNE_COMMITTEE)
    leader = make_user("chutich", "Võ Văn Bảy", **{Role.LEADER: committee})
    args = {"name": "Thanh toán không dùng tiền mặt", "start": today(), "end": today(),
            "kinds": ["cashless"]}
    campaign_create(actor=leader, commune=teams.ninhkieu, goals={"31135": 100}, **args)
    with pytest.raises(NotAllowed):
        campaign_create(actor=leader, goals={"31135": 100}, **args)  # a city campaign
    with pytest.raises(NotAllowed):
        campaign_create(actor=leader, commune=teams.caikhe, goals={"31120": 5}, **args)
    with pytest.raises(ValidationFailed):
        campaign_create(actor=leader, commune=teams.ninhkieu, goals={"31120": 5}, **args)
    with pytest.raises(NotAllowed):  # a team leader is not a commune leader
        campaign_create(actor=teams.leader.user, commune=teams.ninhkieu, goals={"31135": 1},
                        **args)
    assert Campaign.objects.count() == 1


@pytest.mark.parametrize("bad", [
    {"name": "  "}, {"kinds": []}, {"kinds": ["lottery"]}, {"goals": {}},
    {"goals": {"99999": 3}}, {"end": datetime.date(2020, 1, 1)},
])
def test_a_bad_campaign_is_refused_with_a_reason(teams, bad):
    args = {"name": "VNeID", "start": today(), "end": today(), "kinds": ["vneid"],
            "goals": {"31135": 10}, **bad}
    with pytest.raises(ValidationFailed):
        campaign_create(actor=None, **args)
    assert not Campaign.objects.exists()


def test_the_city_sets_a_campaign_in_the_back_office_and_follows_it(client, teams, city):
    client.force_login(city.leader)  # a department leader: city level
    r = client.post(reverse("backoffice:community_campaigns"), {
        "name": "VNeID mức 2", "commune": "", "start": today().isoformat(),
        "end": (today() + datetime.timedelta(days=30)).isoformat(), "kinds": ["vneid_level2"],
        "goal_31135": "5.000", "goal_31120": "300"})
    assert r.status_code == 302, r.content.decode()[:2000]
    campaign = Campaign.objects.get()
    assert {g.commune_id: g.target for g in campaign.goals.all()} == {"31135": 5000,
                                                                       "31120": 300}
    visit(teams.member.user, ["vneid_level2"], days_ago=0)
    page = client.get(reverse("backoffice:community_campaign", args=[campaign.pk]))
    assert page.status_code == 200 and page.context["progress"].done == 1
    # A team member of Cái Khế follows the city campaign, not Ninh Kiều's own ones.
    client.force_login(teams.other_commune_member.user)
    listing = client.get(reverse("backoffice:community_campaigns"))
    assert [p.campaign.pk for p in listing.context["progress"]] == [campaign.pk]
    assert not listing.context["may_create"]


def test_a_campaign_form_with_errors_says_what_is_wrong(client, teams, city):
    client.force_login(city.leader)
    r = client.post(reverse("backoffice:community_campaigns"), {
        "name": "X", "start": "", "end": "", "goal_31135": "nhiều"})
    assert r.status_code == 422
    assert len(r.context["errors"]) == 2 and not Campaign.objects.exists()
