"""Targets: progress measured or entered, and units falling behind flagged."""

import datetime
from decimal import Decimal

import pytest

from onestop.core.errors import NotAllowed, ValidationFailed
from onestop.scorecard import rollups, services
from onestop.scorecard.models import Target
from onestop.scorecard.tests.world import build
from onestop.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    user = make_user("dto", "Văn phòng CĐS")
    user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def world(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = build(city)
    rollups.refresh()
    return w


def test_measured_target_behind_the_straight_line_is_flagged(world, city, office):
    # On-time rate in March is 2/4 = 0.5. Path from 0.4 (1 March) to 0.9 (31 March):
    # on 31 March expected 0.9 → behind; on 2 March expected 0.4 + 0.5·1/30 ≈ 0.417 → ahead.
    target = services.target_create(
        actor=office, agency=city.justice, indicator_code="on_time", baseline="0.4",
        target="0.9", start_date=datetime.date(2026, 3, 1), due_date=datetime.date(2026, 3, 31))
    late = services.target_status(target, today=datetime.date(2026, 3, 31))
    assert late.current == Decimal("0.5") and late.measured
    assert late.expected == Decimal("0.9") and late.behind and not late.met
    early = services.target_status(target, today=datetime.date(2026, 3, 4))
    # 2–4 March: A (3/3) and F (2/3) on time, B (4/3) late → 2/3 ≈ 0.667 > 0.4 + 0.5·3/30 = 0.45
    assert early.current == Decimal(2) / Decimal(3) and not early.behind
    assert services.targets_check(today=datetime.date(2026, 3, 31)) == 1
    target.refresh_from_db()
    assert target.behind_since == datetime.date(2026, 3, 31)
    services.targets_check(today=datetime.date(2026, 3, 4))
    target.refresh_from_db()
    assert target.behind_since is None


def test_past_due_and_not_met_is_behind_even_when_the_path_is_flat(world, city, office):
    target = services.target_create(
        actor=office, agency=city.justice, indicator_code="online_filing", baseline="0.2",
        target="0.3", start_date=datetime.date(2026, 2, 1), due_date=datetime.date(2026, 3, 15))
    status = services.target_status(target, today=datetime.date(2026, 4, 1))
    assert status.past_due and not status.met and status.behind
    assert status.current == Decimal("0.2")  # 1 online of 5 received


def test_processing_time_is_better_when_lower(world, city, office):
    target = services.target_create(
        actor=office, agency=None, indicator_code="processing_time", baseline="3",
        target="2", start_date=datetime.date(2026, 3, 1), due_date=datetime.date(2026, 3, 31))
    status = services.target_status(target, today=datetime.date(2026, 3, 31))
    assert status.current == Decimal("1.81")  # 7.25 days ÷ 4 dossiers
    assert status.met and not status.behind


def test_entered_progress_for_an_indicator_the_platform_cannot_measure(city, office):
    target = services.target_create(
        actor=office, agency=city.commune, indicator_code="data_reuse",
        baseline="0.5", target="1", start_date=datetime.date(2026, 1, 1),
        due_date=datetime.date(2026, 12, 31))
    assert services.target_status(target, today=datetime.date(2026, 7, 1)).current is None
    services.target_progress_enter(actor=office, target_id=target.pk,
                                   on=datetime.date(2026, 6, 30), value="0.6",
                                   evidence="Báo cáo đồng bộ")
    status = services.target_status(target, today=datetime.date(2026, 7, 1))
    assert status.current == Decimal("0.6") and not status.measured
    assert status.behind  # expected ≈ 0.75 on 1 July


def test_only_managers_set_targets(city):
    with pytest.raises(NotAllowed):
        services.target_create(actor=city.officer, agency=None, indicator_code="on_time",
                               baseline="0", target="1", start_date=datetime.date(2026, 1, 1),
                               due_date=datetime.date(2026, 2, 1))
    with pytest.raises(ValidationFailed):
        services.target_create(actor=city.admin, agency=None, indicator_code="on_time",
                               baseline="0", target="1", start_date=datetime.date(2026, 2, 1),
                               due_date=datetime.date(2026, 2, 1))
    assert Target.objects.count() == 0
