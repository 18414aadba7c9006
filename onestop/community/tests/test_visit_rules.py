"""visit_record and visit_correct: the rules every surface relies on."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import replace

import pytest
from django.utils import timezone

from onestop.agencies.models import Role
from onestop.agencies.selectors import has_role
from onestop.community.models import Visit, VisitCorrection
from onestop.community.services import VisitConflict, VisitPayload, visit_correct, visit_record
from onestop.core.errors import NotAllowed, ValidationFailed


def payload(**overrides: object) -> VisitPayload:
    base = VisitPayload(
        client_id=uuid.uuid4(), visited_at=timezone.now() - datetime.timedelta(hours=1),
        commune_code="31135", hamlet="Khu vực 1", household="12 Hai Bà Trưng",
        helped=["vneid", "city_app"], consent=True)
    return replace(base, **overrides)  # type: ignore[arg-type]


def test_a_member_gets_the_community_role_in_their_commune_committee(teams):
    user = teams.member.user
    assert any(has_role(user=user, agency_id=a, role=Role.COMMUNITY)
               for a in user.memberships.values_list("agency_id", flat=True))


def test_first_send_creates_the_visit(teams):
    result = visit_record(member=teams.member.user, payload=payload())
    assert result.created
    assert result.visit.team == teams.team and result.visit.commune == teams.ninhkieu


def test_the_same_body_again_is_the_same_visit_and_writes_nothing(teams):
    p = payload()
    first = visit_record(member=teams.member.user, payload=p)
    again = visit_record(member=teams.member.user,
                         payload=replace(p, helped=list(reversed(p.helped))))
    assert not again.created and again.visit.pk == first.visit.pk
    assert Visit.objects.count() == 1


def test_the_same_client_id_with_a_different_body_is_a_conflict(teams):
    p = payload()
    visit_record(member=teams.member.user, payload=p)
    with pytest.raises(VisitConflict):
        visit_record(member=teams.member.user, payload=replace(p, note="khác"))


def test_a_member_of_another_commune_is_not_allowed(teams):
    with pytest.raises(NotAllowed):
        visit_record(member=teams.other_commune_member.user, payload=payload())
    assert not Visit.objects.exists()


def test_someone_in_no_team_is_not_allowed(teams, city):
    with pytest.raises(NotAllowed):
        visit_record(member=city.officer, payload=payload())


@pytest.mark.parametrize("bad", [
    {"consent": False},
    {"helped": ["vneid", "lottery"]},
    {"helped": []},
    {"visited_at": timezone.now() + datetime.timedelta(days=1)},
    {"dossier_code": "000.00.00.H99-261201-9999"},
    {"household": "   "},
])
def test_bad_content_is_refused_with_a_reason(teams, english, bad):
    with pytest.raises(ValidationFailed) as exc:
        visit_record(member=teams.member.user, payload=payload(**bad))
    assert str(exc.value) and str(exc.value) != "Some of the information is not valid."
    assert not Visit.objects.exists()


def test_the_refusal_reads_in_vietnamese_by_default(teams):
    with pytest.raises(ValidationFailed) as exc:
        visit_record(member=teams.member.user, payload=payload(consent=False))
    assert "đồng ý" in str(exc.value)


def test_a_visit_may_link_an_existing_dossier(teams, city):
    from onestop.dossiers.services import dossier_intake_at_counter

    dossier = dossier_intake_at_counter(officer=city.officer, filing=city.filing())
    assert dossier.code
    result = visit_record(member=teams.member.user,
                          payload=payload(helped=["online_filing"], dossier_code=dossier.code))
    assert result.visit.dossier == dossier


def test_the_author_corrects_within_a_day_and_history_is_kept(teams):
    visit = visit_record(member=teams.member.user, payload=payload()).visit
    visit_correct(actor=teams.member.user, client_id=visit.client_id,
                  changes={"household": "14 Hai Bà Trưng"}, reason="gõ nhầm số nhà")
    visit.refresh_from_db()
    assert visit.household == "14 Hai Bà Trưng" and visit.version == 2
    correction = VisitCorrection.objects.get(visit=visit)
    assert correction.before["household"] == "12 Hai Bà Trưng"
    assert correction.after["household"] == "14 Hai Bà Trưng"


def test_after_a_day_only_the_team_leader_corrects(teams):
    visit = visit_record(member=teams.member.user, payload=payload()).visit
    later = timezone.now() + datetime.timedelta(hours=25)
    with pytest.raises(NotAllowed):
        visit_correct(actor=teams.member.user, client_id=visit.client_id,
                      changes={"note": "bổ sung"}, at=later)
    visit_correct(actor=teams.leader.user, client_id=visit.client_id,
                  changes={"note": "bổ sung"}, at=later)
    visit.refresh_from_db()
    assert visit.note == "bổ sung"


def test_a_resend_of_the_original_after_a_correction_is_still_the_same_visit(teams):
    p = payload()
    visit = visit_record(member=teams.member.user, payload=p).visit
    visit_correct(actor=teams.member.user, client_id=visit.client_id, changes={"note": "x"})
    again = visit_record(member=teams.member.user, payload=p)
    assert not again.created and again.visit.pk == visit.pk
