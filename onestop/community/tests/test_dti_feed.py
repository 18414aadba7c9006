"""The DTI's digital-society value comes from the visits, with the figures behind it."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from onestop.agencies.models import Agency
from onestop.community.selectors import digital_society
from onestop.community.services import VisitPayload, commune_households_set, visit_record
from onestop.scorecard import services
from onestop.scorecard.models import DtiSubIndex, DtiUnit, DtiValue
from onestop.testing import make_user

pytestmark = pytest.mark.django_db


def visit(user, commune: str, household: str, helped: list[str], days_ago: int = 1) -> None:
    visit_record(member=user, payload=VisitPayload(
        client_id=uuid.uuid4(), visited_at=timezone.now() - datetime.timedelta(days=days_ago),
        commune_code=commune, hamlet="Khu vực 1" if commune == "31135" else "Khu vực 3",
        household=household, helped=helped, consent=True))


def test_shares_count_each_household_once_over_households_registered(teams):
    commune_households_set(commune=teams.ninhkieu, registered=10)
    user = teams.member.user
    visit(user, "31135", "1 Hai Bà Trưng", ["vneid"])
    visit(user, "31135", "1 Hai Bà Trưng", ["vneid_level2", "cashless"])  # same household
    visit(user, "31135", "2 Hai Bà Trưng", ["question"])
    figures = digital_society(communes=[teams.ninhkieu], until=timezone.now())
    assert figures is not None
    assert (figures.households_reached, figures.with_eid, figures.with_cashless,
            figures.with_online_services) == (2, 1, 1, 0)
    assert figures.value == Decimal("0.066667")  # (1/10 + 1/10 + 0) / 3
    assert "1/10" in figures.provenance() and "not adults" in figures.provenance()


def test_without_a_household_count_there_is_no_value(teams):
    visit(teams.member.user, "31135", "1 Hai Bà Trưng", ["vneid"])
    assert digital_society(communes=[teams.ninhkieu], until=timezone.now()) is None


def test_the_fill_computes_the_city_and_each_commune_and_keeps_entered_values(teams):
    commune_households_set(commune=teams.ninhkieu, registered=4)
    commune_households_set(commune=teams.caikhe, registered=6)
    visit(teams.member.user, "31135", "1 Hai Bà Trưng", ["vneid", "cashless", "online_filing"])
    visit(teams.other_commune_member.user, "31120", "5 Trần Phú", ["vneid"])
    city = DtiUnit.objects.create(code="can-tho", name="Cần Thơ", is_city=True)
    committee = Agency.objects.get(unit=teams.ninhkieu, kind=Agency.Kind.COMMUNE_COMMITTEE)
    ward = DtiUnit.objects.create(code="ninh-kieu", name="Ninh Kiều",
                                  kind=DtiUnit.Kind.CITY_UNIT, agency=committee)
    year = timezone.localdate().year
    assert services.dti_fill_digital_society(year=year) == 2
    city_value = DtiValue.objects.get(unit=city, subindex__code="digital_society", year=year)
    ward_value = DtiValue.objects.get(unit=ward, subindex__code="digital_society", year=year)
    assert city_value.source == DtiValue.Source.COMPUTED
    assert city_value.value == Decimal("0.133333")  # (2/10 + 1/10 + 1/10) / 3
    assert ward_value.value == Decimal("0.250000")  # (1/4 + 1/4 + 1/4) / 3
    assert "community visits" in ward_value.provenance and "1/4" in ward_value.provenance
    assert f"up to {timezone.localdate().isoformat()}:" in ward_value.provenance  # inclusive
    office = make_user("dto", "Văn phòng CĐS")
    office.is_superuser = True
    office.save()
    sub = DtiSubIndex.objects.get(code="digital_society", framework=city_value.subindex.framework)
    services.dti_value_set(actor=office, unit=city, year=year, subindex=sub, value="0.4",
                           provenance="Khảo sát của Sở KH&CN")
    services.dti_fill_digital_society(year=year)
    city_value.refresh_from_db()
    assert city_value.value == Decimal("0.4") and city_value.source == DtiValue.Source.ENTERED
