"""Tests for onestop.core.workcalendar (pure Python, no Django database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.core.workcalendar import (
    KNOWN_OVERRIDES,
    InvalidDurationError,
    OfficeHours,
    WorkCalendar,
    vietnam_calendar,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
BERLIN = ZoneInfo("Europe/Berlin")
FIRST_YEAR, LAST_YEAR = 2024, 2029

CAL = vietnam_calendar(first_year=FIRST_YEAR, last_year=LAST_YEAR)


def hcm(*args: int) -> datetime:
    return datetime(*args, tzinfo=HCM)  # type: ignore[misc]


# --------------------------------------------------------------------------
# Slow, obviously-correct reference: walk day by day, interval by interval,
# doing all arithmetic on UTC datetimes (aware arithmetic in one zone is
# wall-clock arithmetic in Python, which would be wrong across DST).
# --------------------------------------------------------------------------


class Reference:
    def __init__(
        self,
        intervals: tuple[tuple[time, time], ...],
        zone: ZoneInfo,
        off: set[date],
        work: set[date],
    ) -> None:
        self.intervals = intervals
        self.zone = zone
        self.off = off
        self.work = work

    def is_working_day(self, d: date) -> bool:
        if d in self.work:
            return True
        return d.weekday() < 5 and d not in self.off

    def day_intervals_utc(self, d: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(d):
            return []
        return [
            (
                datetime.combine(d, a, tzinfo=self.zone).astimezone(UTC),
                datetime.combine(d, b, tzinfo=self.zone).astimezone(UTC),
            )
            for a, b in self.intervals
        ]

    def add_seconds(self, start: datetime, seconds: int) -> datetime:
        start = start.astimezone(UTC)
        remaining = seconds
        d = start.astimezone(self.zone).date() - timedelta(days=1)
        for _ in range(4000):
            for lo, hi in self.day_intervals_utc(d):
                lo = max(lo, start)
                if lo >= hi:
                    continue
                if remaining == 0:
                    return lo.astimezone(self.zone)  # next opening
                available = int((hi - lo).total_seconds())
                if remaining <= available:
                    return (lo + timedelta(seconds=remaining)).astimezone(self.zone)
                remaining -= available
            d += timedelta(days=1)
        raise AssertionError("reference walked too far")

    def seconds_between(self, a: datetime, b: datetime) -> int:
        if b < a:
            return -self.seconds_between(b, a)
        a, b = a.astimezone(UTC), b.astimezone(UTC)
        total = 0
        d = a.astimezone(self.zone).date() - timedelta(days=1)
        last = b.astimezone(self.zone).date() + timedelta(days=1)
        while d <= last:
            for lo, hi in self.day_intervals_utc(d):
                lo, hi = max(lo, a), min(hi, b)
                if hi > lo:
                    total += int((hi - lo).total_seconds())
            d += timedelta(days=1)
        return total


def _vn_reference() -> Reference:
    public = set(holidays.VN(years=range(FIRST_YEAR, LAST_YEAR + 1)))
    work = {d for d, kind, _ in KNOWN_OVERRIDES if kind == "work"}
    off = (public - work) | {d for d, kind, _ in KNOWN_OVERRIDES if kind == "off"}
    return Reference(OfficeHours().intervals, HCM, off, work)


REF = _vn_reference()

# Aware starts in 2025-2027, expressed in several zones (the calendar must
# convert), at whole seconds, biased towards office-hour boundaries.
_LO = int(datetime(2025, 1, 1, tzinfo=HCM).timestamp())
_HI = int(datetime(2028, 1, 1, tzinfo=HCM).timestamp())
_ZONES = st.sampled_from([HCM, UTC, timezone(timedelta(hours=-5)), BERLIN])


@st.composite
def starts(draw: st.DrawFn) -> datetime:
    zone = draw(_ZONES)
    if draw(st.booleans()):
        epoch = draw(st.integers(_LO, _HI))
        return datetime.fromtimestamp(epoch, zone)
    # Exactly on or next to an opening/closing time.
    d = date.fromordinal(
        draw(st.integers(date(2025, 1, 1).toordinal(), date(2027, 12, 31).toordinal()))
    )
    t = draw(st.sampled_from([time(7), time(11), time(13), time(17), time(0), time(12)]))
    nudge = draw(st.sampled_from([-1, 0, 0, 1]))
    return (datetime.combine(d, t, tzinfo=HCM) + timedelta(seconds=nudge)).astimezone(zone)


durations = st.one_of(
    st.just(0),
    st.integers(1, 120),
    st.sampled_from([14400, 28800, 3 * 28800, 30 * 28800]),
    st.integers(0, 60 * 28800),
)

PROPERTY = settings(max_examples=200, deadline=None)


# --------------------------------------------------------------------------
# Worked examples
# --------------------------------------------------------------------------


def test_reference_example_friday_before_tet_plus_3_days_is_wednesday_after() -> None:
    result = CAL.due(hcm(2026, 2, 13, 15), 3)
    assert result == hcm(2026, 2, 25, 15)
    assert result.isoformat() == "2026-02-25T15:00:00+07:00"
    assert result.tzinfo == HCM


def test_one_day_from_monday_opening_ends_monday_closing() -> None:
    assert CAL.due(hcm(2026, 3, 2, 7), 1) == hcm(2026, 3, 2, 17)


def test_half_day_from_opening_ends_at_morning_close_not_afternoon_open() -> None:
    assert CAL.due(hcm(2026, 3, 2, 7), Decimal("0.5")) == hcm(2026, 3, 2, 11)
    assert CAL.due(hcm(2026, 3, 2, 7), "0.5") == hcm(2026, 3, 2, 11)


def test_start_during_lunch_counts_from_afternoon_opening() -> None:
    assert CAL.due(hcm(2026, 3, 2, 11, 30), "0.5") == hcm(2026, 3, 2, 17)


def test_start_on_saturday_counts_from_monday_opening() -> None:
    assert CAL.due(hcm(2026, 3, 7, 10), 1) == hcm(2026, 3, 9, 17)
    assert CAL.due(hcm(2026, 3, 7, 10), 0) == hcm(2026, 3, 9, 7)


def test_friday_afternoon_plus_one_day_is_monday_same_time() -> None:
    assert CAL.due(hcm(2026, 3, 6, 16), 1) == hcm(2026, 3, 9, 16)


def test_zero_days_is_next_opening_and_keeps_open_moment() -> None:
    assert CAL.due(hcm(2026, 3, 2, 9, 15), 0) == hcm(2026, 3, 2, 9, 15)
    assert CAL.due(hcm(2026, 3, 2, 17), 0) == hcm(2026, 3, 3, 7)
    assert CAL.due(hcm(2026, 3, 2, 11), 0) == hcm(2026, 3, 2, 13)


def test_start_at_closing_time_continues_next_morning() -> None:
    assert CAL.add_seconds(hcm(2026, 3, 2, 17), 3600) == hcm(2026, 3, 3, 8)


def test_input_in_other_zone_returns_calendar_zone() -> None:
    start = hcm(2026, 2, 13, 15).astimezone(UTC)
    result = CAL.due(start, 3)
    assert result.tzinfo == HCM
    assert result == hcm(2026, 2, 25, 15)


def test_make_up_working_saturday_2026_08_22_counts() -> None:
    assert CAL.is_working_day(date(2026, 8, 22))
    assert CAL.is_open(hcm(2026, 8, 22, 8))
    # Friday 21 Aug 17:00 + 1 day lands on the make-up Saturday, not Monday.
    assert CAL.due(hcm(2026, 8, 21, 17), 1) == hcm(2026, 8, 22, 17)


def test_national_day_break_2026_08_31_to_09_02_is_off() -> None:
    for d in (date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 2)):
        assert not CAL.is_working_day(d), d
    # Saturday 22 Aug 17:00 + 1 day: skip the weekend and the 3-day break.
    assert CAL.due(hcm(2026, 8, 28, 17), 1) == hcm(2026, 9, 3, 17)


def test_swap_2025_05_02_off_and_2025_04_26_working() -> None:
    assert not CAL.is_working_day(date(2025, 5, 2))
    assert CAL.is_working_day(date(2025, 4, 26))


def test_vietnam_culture_day_2026_11_24_is_off() -> None:
    assert not CAL.is_working_day(date(2026, 11, 24))
    assert CAL.is_working_day(date(2026, 11, 23))


def test_tet_2026_week_is_off() -> None:
    for day in range(16, 21):
        assert not CAL.is_working_day(date(2026, 2, day))


def test_overrides_win_over_holidays_and_weekends() -> None:
    cal = vietnam_calendar(
        overrides=[(date(2026, 1, 1), "work"), (date(2026, 3, 2), "off")],
        first_year=2026,
        last_year=2026,
    )
    assert cal.is_working_day(date(2026, 1, 1))
    assert not cal.is_working_day(date(2026, 3, 2))
    # Without the default overrides the 2026-08-22 Saturday is not working.
    assert not cal.is_working_day(date(2026, 8, 22))


def test_conflicting_overrides_rejected() -> None:
    with pytest.raises(ValueError):
        vietnam_calendar(overrides=[(date(2026, 1, 5), "off"), (date(2026, 1, 5), "work")])
    with pytest.raises(ValueError):
        vietnam_calendar(overrides=[(date(2026, 1, 5), "holiday")])


def test_known_overrides_constant_shape() -> None:
    assert (date(2026, 8, 22), "work") in {(d, k) for d, k, _ in KNOWN_OVERRIDES}
    assert all(isinstance(note, str) and note for _, _, note in KNOWN_OVERRIDES)


def test_is_open_half_open_intervals() -> None:
    assert CAL.is_open(hcm(2026, 3, 2, 7))
    assert CAL.is_open(hcm(2026, 3, 2, 10, 59, 59))
    assert not CAL.is_open(hcm(2026, 3, 2, 11))
    assert not CAL.is_open(hcm(2026, 3, 2, 6, 59, 59))
    assert not CAL.is_open(hcm(2026, 3, 7, 9))


def test_working_seconds_and_days_between() -> None:
    a, b = hcm(2026, 2, 13, 15), hcm(2026, 2, 25, 15)
    assert CAL.working_seconds_between(a, b) == 3 * 28800
    assert CAL.working_seconds_between(b, a) == -3 * 28800
    assert CAL.working_days_between(a, b) == Decimal("3.00")
    assert str(CAL.working_days_between(hcm(2026, 3, 2, 7), hcm(2026, 3, 2, 8))) == "0.13"
    assert str(CAL.working_days_between(hcm(2026, 3, 2, 8), hcm(2026, 3, 2, 7))) == "-0.13"
    # Both ends outside office hours.
    assert CAL.working_seconds_between(hcm(2026, 3, 7, 12), hcm(2026, 3, 9, 12)) == 4 * 3600


def test_days_to_seconds_exact() -> None:
    assert CAL.days_to_seconds("0.5") == 14400
    assert CAL.days_to_seconds(Decimal("0.50")) == 14400
    assert CAL.days_to_seconds(3) == 86400
    assert CAL.days_to_seconds(0) == 0
    assert CAL.days_to_seconds(Decimal("0.125")) == 3600


@pytest.mark.parametrize("value", [0.5, 1.0, True])
def test_floats_and_bools_rejected_as_days(value: object) -> None:
    with pytest.raises(TypeError):
        CAL.days_to_seconds(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        CAL.due(hcm(2026, 3, 2, 7), value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value", ["-1", Decimal("-0.5"), -2, "NaN", Decimal("Infinity"), "abc", "1e-9"]
)
def test_invalid_day_values_rejected(value: object) -> None:
    with pytest.raises(InvalidDurationError):
        CAL.days_to_seconds(value)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        CAL.due(hcm(2026, 3, 2, 7), value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        CAL.days_to_seconds(value)  # type: ignore[arg-type]


def test_add_seconds_rejects_negative_and_non_int() -> None:
    with pytest.raises(ValueError):
        CAL.add_seconds(hcm(2026, 3, 2, 7), -1)
    with pytest.raises(TypeError):
        CAL.add_seconds(hcm(2026, 3, 2, 7), 1.0)  # type: ignore[arg-type]


def test_naive_datetime_rejected() -> None:
    naive = datetime(2026, 3, 2, 7)
    for call in (
        lambda: CAL.due(naive, 1),
        lambda: CAL.is_open(naive),
        lambda: CAL.next_opening(naive),
        lambda: CAL.working_seconds_between(naive, hcm(2026, 3, 2, 8)),
        lambda: CAL.add_seconds(naive, 10),
    ):
        with pytest.raises(ValueError, match="naive"):
            call()


def test_out_of_range_rejected() -> None:
    with pytest.raises(ValueError, match="outside the calendar range"):
        CAL.due(hcm(2023, 12, 29, 9), 1)
    with pytest.raises(ValueError, match="outside the calendar range"):
        CAL.due(hcm(2030, 1, 2, 9), 1)
    with pytest.raises(ValueError, match="outside the calendar range"):
        CAL.is_working_day(date(2030, 1, 1))
    # A start inside the range whose deadline falls beyond it.
    with pytest.raises(ValueError, match="outside the calendar range"):
        CAL.due(hcm(2029, 12, 28, 9), 5)


@pytest.mark.parametrize(
    "intervals",
    [
        (),
        ((time(11), time(7)),),
        ((time(7), time(7)),),
        ((time(7), time(12)), (time(11), time(17))),
        ((time(13), time(17)), (time(7), time(11))),
        ((time(7), time(11, 0, 0, 5)),),
        ((time(7, tzinfo=UTC), time(11)),),
        ((time(7),),),
    ],
)
def test_invalid_office_hours_rejected(intervals: tuple[tuple[time, time], ...]) -> None:
    with pytest.raises(ValueError):
        OfficeHours(intervals=intervals)


def test_unknown_zone_rejected() -> None:
    with pytest.raises(ValueError):
        OfficeHours(tz="Mars/Olympus_Mons")


def test_custom_office_hours() -> None:
    hours = OfficeHours(intervals=((time(7, 30), time(11, 30)), (time(13, 30), time(17))))
    assert hours.day_seconds == 7 * 3600 + 30 * 60
    cal = vietnam_calendar(hours=hours, first_year=2026, last_year=2026)
    monday = datetime(2026, 3, 2, 7, 30, tzinfo=HCM)
    assert cal.due(monday, 1) == datetime(2026, 3, 2, 17, tzinfo=HCM)
    # Half of a 7.5 h day is 3 h 45 min; 0.75 day = 4 h morning + 1 h 37 min 30 s.
    assert cal.due(monday, "0.5") == datetime(2026, 3, 2, 11, 15, tzinfo=HCM)
    assert cal.due(monday, "0.75") == datetime(2026, 3, 2, 15, 7, 30, tzinfo=HCM)
    assert cal.due(datetime(2026, 3, 2, 7, tzinfo=HCM), 0) == monday
    assert not cal.is_open(datetime(2026, 3, 2, 17, 15, tzinfo=HCM))


def test_office_hours_accept_lists_and_stay_hashable() -> None:
    hours = OfficeHours(intervals=[[time(8), time(12)]])  # type: ignore[arg-type]
    assert hours.intervals == ((time(8), time(12)),)
    assert hash(hours) == hash(OfficeHours(intervals=((time(8), time(12)),)))


def test_sub_second_start_is_truncated_to_whole_seconds() -> None:
    start = hcm(2026, 3, 2, 9) + timedelta(microseconds=700_000)
    assert CAL.add_seconds(start, 60) == hcm(2026, 3, 2, 9, 1)


def test_dst_zone_keeps_wall_clock_office_hours() -> None:
    hours = OfficeHours(tz="Europe/Berlin")
    cal = WorkCalendar(hours=hours, first_year=2026, last_year=2026)
    # DST starts Sunday 2026-03-29: Friday 10:00 + 1 day = Monday 10:00 CEST.
    start = datetime(2026, 3, 27, 10, tzinfo=BERLIN)
    result = cal.due(start, 1)
    assert result == datetime(2026, 3, 30, 10, tzinfo=BERLIN)
    assert result.utcoffset() == timedelta(hours=2)


def test_dst_interval_spanning_transition_counts_real_seconds() -> None:
    hours = OfficeHours(intervals=((time(1), time(4)),), tz="Europe/Berlin")
    cal = WorkCalendar(hours=hours, first_year=2026, last_year=2026, weekend=frozenset())
    spring = datetime(2026, 3, 29, 0, tzinfo=BERLIN)
    autumn = datetime(2026, 10, 25, 0, tzinfo=BERLIN)
    assert cal.working_seconds_between(spring, spring + timedelta(hours=12)) == 2 * 3600
    assert cal.working_seconds_between(autumn, autumn + timedelta(hours=12)) == 4 * 3600


def test_office_interval_ending_inside_dst_gap_is_merged_not_double_counted() -> None:
    # 02:30 does not exist on 2026-03-29 in Berlin: 01:00-02:00 CET then
    # 03:00-05:00 CEST is 3 real hours of opening, not 3.5 or a broken table.
    hours = OfficeHours(intervals=((time(1), time(2, 30)), (time(3), time(5))), tz="Europe/Berlin")
    cal = WorkCalendar(hours=hours, first_year=2026, last_year=2026, weekend=frozenset())
    day = datetime(2026, 3, 29, 0, tzinfo=BERLIN)
    assert cal.working_seconds_between(day, day + timedelta(hours=12)) == 3 * 3600
    assert cal.is_open(datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN))


def test_touching_office_intervals_behave_as_one() -> None:
    hours = OfficeHours(intervals=((time(7), time(11)), (time(11), time(13))))
    cal = WorkCalendar(hours=hours, first_year=2026, last_year=2026)
    assert cal.is_open(hcm(2026, 3, 2, 11))
    assert cal.due(hcm(2026, 3, 2, 7), "0.5") == hcm(2026, 3, 2, 10)
    assert cal.due(hcm(2026, 3, 2, 10), "0.5") == hcm(2026, 3, 2, 13)


def test_days_off_and_work_days_conflict_rejected() -> None:
    with pytest.raises(ValueError):
        WorkCalendar(
            hours=OfficeHours(),
            days_off=[date(2026, 1, 5)],
            work_days=[date(2026, 1, 5)],
            first_year=2026,
            last_year=2026,
        )


# --------------------------------------------------------------------------
# Properties against the reference
# --------------------------------------------------------------------------


def test_reference_agrees_on_worked_example() -> None:
    # Guards the reference itself, so property failures point at the module.
    assert REF.add_seconds(hcm(2026, 2, 13, 15), 3 * 28800) == hcm(2026, 2, 25, 15)
    assert REF.add_seconds(hcm(2026, 3, 2, 7), 28800) == hcm(2026, 3, 2, 17)


@PROPERTY
@given(starts())
def test_working_days_match_reference(start: datetime) -> None:
    d = start.astimezone(HCM).date()
    assert CAL.is_working_day(d) == REF.is_working_day(d)


@PROPERTY
@given(starts(), durations)
def test_add_seconds_matches_reference(start: datetime, seconds: int) -> None:
    expected = REF.add_seconds(start, seconds)
    result = CAL.add_seconds(start, seconds)
    assert result == expected
    assert result.tzinfo == HCM


@PROPERTY
@given(starts(), durations)
def test_working_seconds_between_inverts_add_seconds(start: datetime, seconds: int) -> None:
    assert CAL.working_seconds_between(start, CAL.add_seconds(start, seconds)) == seconds


@PROPERTY
@given(starts(), durations, durations)
def test_add_seconds_is_monotonic(start: datetime, s1: int, s2: int) -> None:
    s1, s2 = min(s1, s2), max(s1, s2)
    assert CAL.add_seconds(start, s1) <= CAL.add_seconds(start, s2)


@PROPERTY
@given(starts(), durations)
def test_result_is_open_or_exactly_a_closing_time(start: datetime, seconds: int) -> None:
    result = CAL.add_seconds(start, seconds)
    assert result >= start
    if seconds == 0:
        assert CAL.is_open(result)
        return
    if not CAL.is_open(result):
        # Closed at result but open just before: result is a closing time.
        assert CAL.is_open(result - timedelta(seconds=1))
        assert result.astimezone(HCM).time() in (time(11), time(17))


@PROPERTY
@given(starts(), starts())
def test_working_seconds_between_matches_reference(a: datetime, b: datetime) -> None:
    assert CAL.working_seconds_between(a, b) == REF.seconds_between(a, b)


@PROPERTY
@given(starts(), starts(), starts())
def test_working_seconds_between_is_additive_and_antisymmetric(
    a: datetime, b: datetime, c: datetime
) -> None:
    a, b, c = sorted((a, b, c))
    w = CAL.working_seconds_between
    assert w(a, c) == w(a, b) + w(b, c)
    assert w(c, a) == -w(a, c)
    assert w(a, a) == 0
    assert w(a, b) >= 0


@PROPERTY
@given(starts(), st.integers(0, 60))
def test_due_in_half_days_matches_seconds(start: datetime, half_days: int) -> None:
    days = Decimal(half_days) / 2
    assert CAL.due(start, days) == REF.add_seconds(start, half_days * 14400)
