"""The demo's community teams: a `team.<commune>` account per commune, visits through the
services in the last 60 days, labelled demo data."""

import datetime
from decimal import Decimal

import pytest

from onestop.accounts.models import User
from onestop.agencies.models import AdministrativeUnit
from onestop.community.models import Team, Visit
from onestop.community.selectors import commune_coverage
from onestop.core.audit import audit_verify
from onestop.core.models import AuditEvent
from onestop.demo import catalog as data
from onestop.demo.loader import demo_load
from onestop.scorecard.models import DtiValue
from onestop.testing import vn

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # loads a demo city

NOW = vn(2026, 3, 20, 10)


def test_each_demo_commune_has_teams_a_team_account_and_past_visits_made_through_the_services():
    demo_load(size=10, now=NOW)
    for commune in data.COMMUNES:
        user = User.objects.get(username=f"team.{commune.slug}")
        assert user.check_password(data.DEMO_PASSWORD)
        unit = AdministrativeUnit.objects.get(code=commune.unit_code)
        assert Team.objects.filter(commune=unit, is_demo=True, members__user=user).exists()
        cov = commune_coverage(commune=unit)
        assert cov.visits >= 50 and 0 < cov.households_visited <= cov.visits
        assert cov.households_registered
    visits = Visit.objects.all()
    assert 250 <= visits.count() <= 400 and all(v.is_demo for v in visits)
    assert all(NOW - datetime.timedelta(days=61) <= v.visited_at < NOW for v in visits)
    # Made through visit_record: one audit event per visit, dated in the past, chain intact.
    events = AuditEvent.objects.filter(action="community.visit_record")
    assert events.count() == visits.count() and all(e.at <= NOW for e in events)
    # An online-filing visit links a real demo dossier of its commune, filed before the visit.
    linked = list(visits.filter(dossier__isnull=False).select_related("dossier"))
    assert linked and all("online_filing" in v.helped for v in linked)
    assert all(v.dossier.submitted_at < v.visited_at for v in linked)
    assert all(v.dossier.receiving_agency.unit_id == v.commune_id for v in linked)
    assert audit_verify().ok
    # A city campaign with goals for the five communes, already under way.
    from onestop.community.models import Campaign
    from onestop.community.selectors import campaign_progress

    progress = campaign_progress(campaign=Campaign.objects.get(is_demo=True))
    assert len(progress.rows) == len(data.COMMUNES) and 0 < progress.done < progress.target
    # The DTI's digital-society values of the demo come from these visits.
    society = DtiValue.objects.filter(subindex__code="digital_society", year=2026)
    city = society.get(unit__is_city=True)
    assert city.source == DtiValue.Source.COMPUTED and "community visits" in city.provenance
    assert Decimal(0) < city.value < Decimal(1)
    assert society.filter(unit__agency__unit__isnull=False).count() == len(data.COMMUNES)
