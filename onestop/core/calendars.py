"""Builds working-time calendars from the database (overrides) and an agency's office hours.

The arithmetic lives in the pure module onestop.core.workcalendar; this module only feeds
it. Calendars are cached per office-hours shape; a change to the override table clears the
cache in this process at once and in other processes within CACHE_SECONDS.
"""

from __future__ import annotations

import datetime
import threading
import time
from typing import Protocol

from django.conf import settings
from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CalendarOverride
from .workcalendar import KNOWN_OVERRIDES, OfficeHours, WorkCalendar, vietnam_calendar


class HasOfficeHours(Protocol):
    """What a calendar needs of an agency (core knows no agency model)."""

    @property
    def office_intervals(self) -> tuple[tuple[datetime.time, datetime.time], ...]: ...

CACHE_SECONDS = 60
FIRST_YEAR = 2020
LAST_YEAR = 2040

_lock = threading.Lock()
_cache: dict[OfficeHours, tuple[float, WorkCalendar]] = {}


def _overrides() -> list[tuple[datetime.date, str]]:
    try:
        return list(CalendarOverride.objects.values_list("date", "kind"))
    except DatabaseError:
        # Database not migrated yet (e.g. `onestop calendar` on a fresh checkout): fall back
        # to the seeds the migration would have written.
        return [(day, kind) for day, kind, _note in KNOWN_OVERRIDES]


def hours_for(agency: HasOfficeHours | None) -> OfficeHours:
    if agency is None:
        return OfficeHours(tz=settings.TIME_ZONE)
    return OfficeHours(intervals=agency.office_intervals, tz=settings.TIME_ZONE)


def calendar_for(agency: HasOfficeHours | None = None) -> WorkCalendar:
    """The working-time calendar of a centre (default office hours when agency is None)."""
    hours = hours_for(agency)
    now = time.monotonic()
    hit = _cache.get(hours)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    with _lock:
        cal = vietnam_calendar(
            hours=hours, overrides=_overrides(), first_year=FIRST_YEAR, last_year=LAST_YEAR
        )
        _cache[hours] = (now, cal)
        return cal


def clear_calendar_cache() -> None:
    _cache.clear()


@receiver(post_save, sender=CalendarOverride)
@receiver(post_delete, sender=CalendarOverride)
def _override_changed(**_kwargs: object) -> None:
    clear_calendar_cache()
