"""The scorecard's "synchronised to the national portal" indicator is measured from the
outbox: a dossier the portal accepted counts, a failed one does not, one with no national
code is reported. Real dossier services, real client, the stand-in over HTTP."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from onestop.dossiers import services as svc
from onestop.dossiers.models import Status
from onestop.national.models import StatusMapping
from onestop.national.selectors import PortalSync, portal_sync
from onestop.national.services import sync_run
from onestop.national.standin import StandIn
from onestop.scorecard.selectors import Period, service_index
from onestop.testing import vn

from .conftest import config_for

pytestmark = pytest.mark.django_db
MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def _received(city: Any, day: int) -> int:
    return svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                         at=vn(2026, 3, day, 8)).pk


def _synced_failed_unmapped(city: Any, standin: StandIn) -> None:
    from onestop.national.client import AdapterClient

    client = AdapterClient(config_for(standin))
    _received(city, 2)
    assert sync_run(client=client) == {"sent": 1}
    _received(city, 3)
    standin.fail("error")
    assert sync_run(client=client) == {"failed": 1}
    standin.fail("ok")
    StatusMapping.objects.filter(status=Status.IN_PROCESS).delete()
    third = _received(city, 4)
    svc.dossier_hand_over(dossier_id=third, actor=city.officer, at=vn(2026, 3, 4, 9))
    assert sync_run(client=client) == {"sent": 1, "unmapped": 1}


def test_a_synced_dossier_counts_a_failed_one_does_not_an_unmapped_one_is_reported(
        english: None, national: Any, standin: StandIn) -> None:
    _synced_failed_unmapped(national, standin)
    lo, hi = vn(2026, 3, 1), vn(2026, 4, 1)

    assert portal_sync(unit_id=None, start=lo, end=hi) == PortalSync(synced=1, due=3,
                                                                     unmapped=1)
    card = service_index(unit=None, period=MARCH)
    line = card.line("synced_national_portal")
    assert line is not None and line.measurable and not line.entered_by_hand
    assert (line.numerator, line.denominator) == (Decimal(1), Decimal(3))
    assert line.points == Decimal("2.00")  # 1/3 × 6 points ÷ threshold 1
    assert line.detail == "1 dossier held back: no national code for its status or procedure"


def test_only_changes_of_the_period_and_scope_count(national: Any, standin: StandIn) -> None:
    from onestop.agencies.models import Agency
    from onestop.dossiers.models import Dossier

    _synced_failed_unmapped(national, standin)
    march = {"start": vn(2026, 3, 1), "end": vn(2026, 4, 1)}
    assert portal_sync(unit_id=None, start=vn(2026, 3, 3), end=vn(2026, 3, 4)) == PortalSync(
        synced=0, due=1, unmapped=0)  # the failed one only
    handling = set(Dossier.objects.values_list("handling_agency_id", flat=True))
    (unit,) = handling
    assert portal_sync(unit_id=unit, **march).due == 3
    receiving = set(Dossier.objects.values_list("receiving_agency_id", flat=True))
    other = Agency.objects.exclude(pk__in=handling | receiving).first()
    assert other is not None and portal_sync(unit_id=other.pk, **march) == PortalSync()


def test_with_no_dossier_to_sync_the_indicator_is_not_scored(national: Any) -> None:
    line = service_index(unit=None, period=MARCH).line("synced_national_portal")
    assert line is not None and line.measurable and line.points is None
