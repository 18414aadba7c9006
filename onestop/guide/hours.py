"""Opening hours of a place, and the lunar new year (Tết) days it closes on. Pure functions.

Hours are {"mon": [["07:00", "11:00"], ["13:00", "17:00"]], …} in the city's local time; a day
without intervals is closed. A place marked `closed_at_tet` is closed on the days of the Tết
holiday that the public-holiday calendar (`holidays.VN`, Labour Code 2019 Art. 112(1)(b): five
days of lunar new year) lists, whatever its weekly hours say.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import ValidationFailed

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def parse_hours(value: Any) -> dict[str, list[list[str]]]:
    """Weekly hours checked: known day keys, HH:MM pairs, each opening before it closes."""
    if value in (None, "", {}):
        return {}
    if not isinstance(value, dict):
        raise ValidationFailed(_("Opening hours must list intervals per day of the week."))
    hours: dict[str, list[list[str]]] = {}
    for day, intervals in value.items():
        if day not in DAYS:
            raise ValidationFailed(_("Unknown day in the opening hours: %(day)s."), day=day)
        if not isinstance(intervals, list):
            raise ValidationFailed(_("Opening hours must list intervals per day of the week."))
        checked: list[list[str]] = []
        for interval in intervals:
            if (not isinstance(interval, list | tuple) or len(interval) != 2
                    or not all(isinstance(t, str) and _TIME.match(t) for t in interval)):
                raise ValidationFailed(_("Write opening hours as HH:MM to HH:MM."))
            if _minutes(interval[0]) >= _minutes(interval[1]):
                raise ValidationFailed(_("An opening interval must open before it closes."))
            checked.append([interval[0], interval[1]])
        if checked:
            hours[day] = sorted(checked)
    return hours


@lru_cache(maxsize=64)
def tet_days(year: int) -> frozenset[datetime.date]:
    """The days of the lunar new year holiday in a Gregorian year, from `holidays.VN`."""
    import holidays

    return frozenset(day for day, name in holidays.VN(years=year, language="en_US").items()
                     if "Lunar New Year" in name)


def is_open(*, hours: dict[str, list[list[str]]], closed_at_tet: bool,
            at: datetime.datetime) -> bool:
    """Open at this local moment? (`at` must already be in the city's time zone.)"""
    if closed_at_tet and at.date() in tet_days(at.year):
        return False
    minute = at.hour * 60 + at.minute
    return any(_minutes(start) <= minute < _minutes(end)
               for start, end in hours.get(DAYS[at.weekday()], []))


def closed_for_tet_on(*, closed_at_tet: bool, day: datetime.date) -> bool:
    return closed_at_tet and day in tet_days(day.year)
