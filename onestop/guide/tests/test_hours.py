"""Opening hours: weekly intervals, and closed on the Tết days the holiday calendar knows."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from onestop.core.errors import ValidationFailed
from onestop.guide.hours import is_open, parse_hours, tet_days

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HOURS = {day: [["07:00", "11:00"], ["13:00", "21:00"]]
         for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def test_tet_2027_is_the_holiday_calendars_lunar_new_year():
    days = tet_days(2027)
    assert datetime.date(2027, 2, 6) in days  # mùng 1 Tết Đinh Mùi
    assert datetime.date(2027, 1, 1) not in days  # solar new year is not Tết


def test_a_place_that_closes_at_tet_is_closed_on_tet_whatever_its_hours():
    first_day = datetime.datetime(2027, 2, 6, 9, 0, tzinfo=TZ)
    assert not is_open(hours=HOURS, closed_at_tet=True, at=first_day)
    assert is_open(hours=HOURS, closed_at_tet=False, at=first_day)
    assert is_open(hours=HOURS, closed_at_tet=True, at=first_day + datetime.timedelta(days=30))


def test_lunch_break_is_closed():
    at = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=TZ)
    assert not is_open(hours=HOURS, closed_at_tet=False, at=at)


@pytest.mark.parametrize("bad", [{"monday": []}, {"mon": [["25:00", "26:00"]]},
                                 {"mon": [["09:00", "08:00"]]}, ["mon"]])
def test_malformed_hours_are_refused(bad):
    with pytest.raises(ValidationFailed):
        parse_hours(bad)
