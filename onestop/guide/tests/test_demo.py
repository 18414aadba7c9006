"""The guide's demo data: made through the services, labelled, and showing both traffic states."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from onestop.accounts.models import User
from onestop.agencies.models import Agency
from onestop.billing.models import Bill, Biller
from onestop.guide.demo import LANDMARKS, load_demo_guide
from onestop.guide.models import OcopProduct, Place
from onestop.guide.selectors import ocop_showcase, segment_statuses

pytestmark = pytest.mark.django_db


def test_the_demo_holds_landmarks_ocop_stars_and_current_and_stale_traffic():
    centre = Agency.objects.create(code="000.00.01.H92", name="Trung tâm",
                                   kind=Agency.Kind.SERVICE_CENTRE)
    counts = load_demo_guide(password="!", now=timezone.now(), collecting_agency=centre,
                             user_model=User)
    assert counts["places"] == len(LANDMARKS) >= 30
    assert Place.objects.filter(is_demo=True, approximate=True).count() == len(LANDMARKS)
    assert {p.stars for p in ocop_showcase()} == {3, 4, 5}
    communes = set(OcopProduct.objects.values_list("producer__commune", flat=True))
    assert len(communes) >= 5
    statuses = segment_statuses()
    assert any(s.report and not s.stale for s in statuses)
    assert any(s.stale for s in statuses)
    assert any(s.report is None for s in statuses)
    later = segment_statuses(now=timezone.now() + datetime.timedelta(hours=4))
    assert any(s.report and not s.stale for s in later)  # a demo served all afternoon
    assert any(s.stale for s in later)
    tax = Biller.objects.get(kind=Biller.Kind.TAX)
    assert "(demo)" in tax.name and Bill.objects.filter(biller=tax).count() == 3
