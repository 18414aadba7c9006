"""Every measured indicator against figures computed by hand from tests/world.py."""

import datetime
from decimal import Decimal

import pytest

from onestop.scorecard import rollups, services
from onestop.scorecard.counts import direct, from_rollups
from onestop.scorecard.indicators import points
from onestop.scorecard.selectors import Period, service_index
from onestop.scorecard.tests.world import build
from onestop.testing import make_user, vn

pytestmark = pytest.mark.django_db

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
D = Decimal


@pytest.fixture
def world(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = build(city)
    rollups.refresh()
    return w


def test_threshold_scoring_below_at_and_above():
    assert points(D("0.4"), max_points=D("5"), threshold=D("0.5")) == D("4.00")
    assert points(D("0.5"), max_points=D("5"), threshold=D("0.5")) == D("5.00")
    assert points(D("0.9"), max_points=D("5"), threshold=D("0.5")) == D("5.00")
    # 0.25 × 5 ÷ 0.9 = 1.3888… → 1.39 (half-up to the cent)
    assert points(D("0.25"), max_points=D("5"), threshold=D("0.9")) == D("1.39")
    assert points(D("0"), max_points=D("8"), threshold=D("0.8")) == D("0.00")


def test_counts_of_the_month(world):
    c = from_rollups(world.city.justice.pk, MARCH.start, MARCH.end)
    assert (c.received, c.received_online, c.digitised) == (5, 1, 1)  # A B C E F; C; A
    assert (c.finished, c.finished_on_time, c.finished_late) == (4, 2, 2)  # A F | B C
    assert c.complained == 1  # C
    # A 10 h + F 6 h + B (18 h − 8 h − 1 h) + C 33 h = 58 h of 8-hour days
    assert c.processing_seconds == 58 * 3600
    assert c.processing_days == D("7.25")
    assert c.legal_days == D("12")
    assert (c.returned, c.returned_e_result) == (2, 1)  # A with a result file, C without
    assert (c.paid, c.paid_online) == (2, 1)  # A cash, C online
    assert (c.rated, c.rating_score_count) == (1, world.rating_count)
    assert (c.feedback_due, c.feedback_on_time) == (2, 1)


def test_two_supplement_requests_make_a_dossier_late_even_before_its_appointment(world):
    b = world.b
    b.refresh_from_db()
    assert b.supplement_count == 2 and b.finished_at <= b.appointment_at
    day = Period(datetime.date(2026, 3, 4), datetime.date(2026, 3, 4))
    c = from_rollups(None, day.start, day.end)
    assert (c.finished, c.finished_on_time, c.finished_late) == (1, 0, 1)


def test_one_supplement_request_pauses_the_clock_and_stays_on_time(world, city):
    d = svc_counter_with_one_supplement(city)
    rollups.refresh()
    day = Period(datetime.date(2026, 3, 12), datetime.date(2026, 3, 12))
    c = from_rollups(None, day.start, day.end)
    assert (c.finished, c.finished_on_time) == (1, 1)
    # 10/3 08:00 → 12/3 10:00 is 18 working hours, 8 of them paused.
    assert c.processing_seconds == 10 * 3600
    assert d.supplement_count == 1


def svc_counter_with_one_supplement(city):
    from onestop.dossiers import services as svc
    from onestop.scorecard.tests.world import counter

    d = counter(city, at=vn(2026, 3, 10, 8))
    svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 10, 9))
    svc.dossier_request_supplement(dossier_id=d.pk, actor=city.specialist, reason="x",
                                   items="y", at=vn(2026, 3, 10, 10))
    svc.dossier_supplement_received(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 11, 10))
    svc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist, at=vn(2026, 3, 12, 9))
    return svc.dossier_approve(dossier_id=d.pk, actor=city.leader, at=vn(2026, 3, 12, 10))


def test_every_indicator_of_the_unit_with_its_points(world, city):
    office = make_user("dto", "Văn phòng CĐS")
    office.is_superuser = True
    office.save()
    services.manual_value_enter(
        actor=office, indicator_code="published_on_time", agency=city.justice,
        period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 6, 30),
        numerator="45", denominator="50", evidence="Báo cáo quý I của Sở Tư pháp")
    card = service_index(unit=city.justice, period=MARCH)
    n = world.rating_count
    rating_rate = D(world.rating_sum) / D(5 * n)
    expected = {  # code: (numerator, denominator, points)
        "published_on_time": (D(45), D(50), D("3.60")),  # 0.9 × 4
        "on_time": (D(2), D(4), D("6.00")),
        "processing_time": (D(12), D("7.25"), D("8.00")),  # legal ≥ actual: full
        "e_results": (D(1), D(2), D("4.00")),
        "digitised_dossiers": (D(1), D(5), D("2.00")),  # 0.2 × 8 ÷ 0.8
        "offered_online": (D(1), D(1), D("4.00")),
        "procedures_online_filed": (D(1), D(1), D("4.00")),
        "online_filing": (D(1), D(5), D("2.00")),  # 0.2 × 5 ÷ 0.5
        "procedures_online_paid": (D(1), D(1), D("4.00")),
        "online_payment": (D(1), D(2), D("2.50")),
        "feedback_on_time": (D(1), D(2), D("2.50")),
        # 1 − (2/4 late + 1/4 with complaints) = 0.25; 0.25 × 5 ÷ 0.9
        "procedure_satisfaction": (D(1), D(4), D("1.39")),
        "rating_satisfaction": (D(world.rating_sum), D(5 * n),
                                (rating_rate * 4).quantize(D("0.01"))),
    }
    got = {line.code: (line.numerator, line.denominator, line.points)
           for line in card.lines if line.points is not None}
    assert got == expected
    unscored = {line.code for line in card.lines if line.points is None}
    # Measured from the national sync outbox (sync off here: nothing to count, no points).
    assert card.line("synced_national_portal").measurable
    not_entered = unscored - {"synced_national_portal"}
    assert not_entered == {"updated_on_time", "components_published",
                           "data_reuse", "feedback_satisfaction"}
    assert all(not card.line(code).measurable for code in not_entered)
    assert card.line("published_on_time").manual.evidence.startswith("Báo cáo")
    earned = sum(p for _n, _d, p in expected.values())
    available = D(4 + 12 + 8 + 8 + 8 + 4 + 4 + 5 + 4 + 5 + 5 + 5 + 4)
    assert card.earned == earned and card.available == available
    assert card.score == (earned * 100 / available).quantize(D("0.01"))


def test_rollups_match_the_direct_computation_for_this_world(world, city):
    for unit in (None, city.centre.pk, city.justice.pk, city.commune.pk):
        for start, end in ((MARCH.start, MARCH.end),
                           (datetime.date(2026, 3, 2), datetime.date(2026, 3, 3))):
            assert from_rollups(unit, start, end) == direct(unit, start, end)
