"""Working-time calendar for legal processing deadlines (pure Python, no Django).

Vietnamese administrative procedures state their processing times in *working
days* (Decree 61/2018/ND-CP and Decree 107/2021/ND-CP on the one-stop-shop
mechanism; the per-procedure times are published in each procedure's
decision), and half days (0.5) do occur. This module turns "start moment +
N working days" into a deadline and measures elapsed working time.

Design
------
* Durations in days are ``decimal.Decimal`` (never float: 0.1 days must not
  become 2879.9999 seconds); everything internal is integer seconds since the
  Unix epoch.
* A working day of N days is N x the length of one office day (8 h by default),
  so "1 day" from Monday 07:00 ends Monday 17:00, and "0.5 day" ends 11:00.
* At construction time the calendar lays out *every* office interval of every
  working day in ``[first_year, last_year]`` as absolute UTC epoch seconds,
  together with the cumulative working seconds at each boundary. A query is
  then two ``bisect`` calls over those flat lists plus a few integer
  operations: no per-day loop at query time, no intermediate datetimes.
* Half-open intervals: an office interval ``[open, close)`` is open at
  ``open`` and closed at ``close``. A deadline that reaches its target exactly
  at a closing time *is* that closing time (the leftmost moment at which the
  cumulative working time reaches the target).
* Sub-second precision: input moments are truncated (floored) to whole
  seconds; results are always whole seconds. Legal deadlines are stated to the
  minute at best, and integer seconds keep the arithmetic exact.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "KNOWN_OVERRIDES",
    "DEFAULT_OVERRIDES",
    "InvalidDurationError",
    "OfficeHours",
    "OverrideKind",
    "WorkCalendar",
    "vietnam_calendar",
]

OverrideKind = Literal["off", "work"]

# Government-announced swaps that the ``holidays`` package does not fully
# encode. ``holidays.VN`` already lists the *days off* of these swaps, but not
# the make-up working Saturdays, which only an override can express.
# Labour Code 2019 (45/2019/QH14) Art. 112 lists the statutory public holidays;
# swaps are announced yearly by the Prime Minister / Ministry of Home Affairs
# for civil servants (Labour Code 2019 Art. 112(3)).
KNOWN_OVERRIDES: Final[tuple[tuple[date, OverrideKind, str], ...]] = (
    (date(2025, 4, 26), "work", "Make-up working Saturday for the 2025-05-02 day off"),
    (date(2025, 5, 2), "off", "Day off swapped with Saturday 2025-04-26 (30/4-1/5 break)"),
    (date(2026, 8, 22), "work", "Make-up working Saturday for the 2026-08-31 day off"),
    (date(2026, 8, 31), "off", "Day off swapped with Saturday 2026-08-22 (National Day break)"),
)

#: ``KNOWN_OVERRIDES`` in the ``(date, kind)`` shape that ``vietnam_calendar`` takes.
DEFAULT_OVERRIDES: Final[tuple[tuple[date, OverrideKind], ...]] = tuple(
    (d, kind) for d, kind, _note in KNOWN_OVERRIDES
)

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_SECOND: Final = timedelta(seconds=1)
_DAY_CACHE_LIMIT: Final = 1024


class InvalidDurationError(TypeError, ValueError):
    """A duration value that cannot be a working-time duration.

    Raised for negative, non-finite, unparsable or non-whole-second durations.
    It subclasses both ``ValueError`` (the idiomatic error for a bad value)
    and ``TypeError`` (so callers treating every invalid duration input like a
    rejected float catch it too).
    """


def _time_to_second(t: time, what: str) -> int:
    """Second-of-day of an office-hours boundary, validated."""
    if not isinstance(t, time):
        raise ValueError(f"{what} must be a datetime.time, got {t!r}")
    if t.tzinfo is not None:
        # The calendar's own zone decides the offset; a per-time tzinfo would
        # silently contradict it.
        raise ValueError(f"{what} must be a naive time (the zone is OfficeHours.tz), got {t!r}")
    if t.microsecond:
        raise ValueError(f"{what} must be a whole second, got {t!r}")
    return t.hour * 3600 + t.minute * 60 + t.second


@dataclass(frozen=True)
class OfficeHours:
    """Daily office intervals of a one-stop centre, in local wall-clock time.

    ``intervals`` are ``(open, close)`` pairs, sorted, non-overlapping, each
    with ``open < close``. Touching intervals are allowed and behave as one.
    """

    intervals: tuple[tuple[time, time], ...] = ((time(7), time(11)), (time(13), time(17)))
    tz: str = "Asia/Ho_Chi_Minh"

    def __post_init__(self) -> None:
        # Accept lists from configuration but store tuples so the instance
        # stays hashable and truly immutable.
        intervals = tuple(tuple(pair) for pair in self.intervals)
        object.__setattr__(self, "intervals", intervals)
        if not intervals:
            raise ValueError("OfficeHours needs at least one interval")
        previous_end = -1
        for index, pair in enumerate(intervals):
            if len(pair) != 2:
                raise ValueError(f"interval #{index} must be an (open, close) pair, got {pair!r}")
            start = _time_to_second(pair[0], f"interval #{index} open")
            end = _time_to_second(pair[1], f"interval #{index} close")
            if start >= end:
                raise ValueError(
                    f"interval #{index} {pair[0]}-{pair[1]}: open must be before close"
                )
            if start < previous_end:
                raise ValueError(
                    f"interval #{index} {pair[0]}-{pair[1]} overlaps or is not sorted "
                    "after the previous interval"
                )
            previous_end = end
        if not isinstance(self.tz, str):
            raise ValueError(f"tz must be a zone name string, got {self.tz!r}")
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.tz!r}") from exc

    @property
    def seconds_of_day(self) -> tuple[tuple[int, int], ...]:
        """Intervals as ``(open, close)`` second-of-day pairs."""
        return tuple(
            (_time_to_second(a, "open"), _time_to_second(b, "close")) for a, b in self.intervals
        )

    @property
    def day_seconds(self) -> int:
        """Length of one office day in seconds (the unit of "1 working day")."""
        return sum(end - start for start, end in self.seconds_of_day)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)


class WorkCalendar:
    """Working-time arithmetic over precomputed tables for a year range.

    A day is a working day when it is listed in ``work_days`` (make-up working
    days win over everything), or when its weekday is not in ``weekend`` and
    it is not listed in ``days_off``. ``weekend`` uses ``date.weekday()``
    numbering (Monday = 0), default Saturday and Sunday: civil servants work
    Monday-Friday (Decree 45/2013/ND-CP art. 3 read with Decision 188/1999/QD-TTg).
    """

    def __init__(
        self,
        *,
        hours: OfficeHours,
        days_off: Iterable[date] = (),
        work_days: Iterable[date] = (),
        first_year: int,
        last_year: int,
        weekend: frozenset[int] = frozenset({5, 6}),
    ) -> None:
        if not isinstance(hours, OfficeHours):
            raise TypeError(f"hours must be OfficeHours, got {type(hours).__name__}")
        if not (1 <= first_year <= last_year <= 9998):
            raise ValueError(f"invalid year range {first_year}..{last_year}")
        if not all(isinstance(w, int) and 0 <= w <= 6 for w in weekend):
            raise ValueError(f"weekend must hold weekday numbers 0-6, got {weekend!r}")
        off = frozenset(days_off)
        work = frozenset(work_days)
        both = off & work
        if both:
            listed = ", ".join(sorted(d.isoformat() for d in both))
            raise ValueError(f"dates both off and working: {listed}")

        self.hours: Final = hours
        self.first_year: Final = first_year
        self.last_year: Final = last_year
        self.weekend: Final = frozenset(weekend)
        self.zone: Final = ZoneInfo(hours.tz)
        self.day_seconds: Final = hours.day_seconds

        first_day = date(first_year, 1, 1)
        last_day = date(last_year, 12, 31)
        self._first_ordinal = first_day.toordinal()
        n_days = last_day.toordinal() - self._first_ordinal + 1

        # One byte per calendar day: O(1) is_working_day without hashing dates.
        working = bytearray(n_days)
        for i in range(n_days):
            d = date.fromordinal(self._first_ordinal + i)
            if d in work or (d.weekday() not in self.weekend and d not in off):
                working[i] = 1
        self._working = bytes(working)

        # Flat boundary tables over the whole range (see module docstring):
        #   _bounds[2m], _bounds[2m+1]  = open/close epoch of global interval m
        #   _cum[k]                     = working seconds before _bounds[k]
        #   _cum[len(_bounds)]          = total (sentinel for "after the last")
        #   _close_cum[m]               = _cum[2m+1], for the inverse bisect
        bounds: list[int] = []
        cum: list[int] = []
        total = 0
        zone = self.zone
        sod = hours.seconds_of_day
        for i in range(n_days):
            if not working[i]:
                continue
            d = date.fromordinal(self._first_ordinal + i)
            for open_s, close_s in sod:
                # Each boundary gets the UTC offset in force at that wall time
                # (fold=0), so zones with DST are handled without assuming a
                # fixed offset per day. Asia/Ho_Chi_Minh is a fixed UTC+7.
                a = self._local_epoch(d, open_s, zone)
                b = self._local_epoch(d, close_s, zone)
                if bounds and a <= bounds[-1]:
                    # Touching intervals, or a DST gap mapping a wall time
                    # before the previous close: keep the tables strictly
                    # increasing by clamping / merging.
                    if b <= bounds[-1]:
                        continue
                    total += b - bounds[-1]
                    bounds[-1] = b
                    cum[-1] = total
                    continue
                if b <= a:  # Interval swallowed by a DST gap.
                    continue
                bounds.append(a)
                cum.append(total)
                total += b - a
                bounds.append(b)
                cum.append(total)
        cum.append(total)
        self._bounds: list[int] = bounds
        self._cum: list[int] = cum
        self._close_cum: list[int] = cum[1:-1:2]
        self._n_bounds = len(bounds)
        self._range_start = self._local_epoch(first_day, 0, zone)
        self._range_end = self._local_epoch(last_day + timedelta(days=1), 0, zone)
        self._days_cache: dict[object, int] = {}

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _local_epoch(d: date, second_of_day: int, zone: ZoneInfo) -> int:
        local = datetime(d.year, d.month, d.day, tzinfo=zone) + timedelta(seconds=second_of_day)
        # ``+ timedelta`` on an aware datetime is wall-clock arithmetic, which
        # is what we want; the subtraction then applies that wall time's offset.
        return (local - _EPOCH) // _ONE_SECOND

    def _range_error(self, what: str) -> ValueError:
        return ValueError(
            f"{what} is outside the calendar range {self.first_year}-01-01..{self.last_year}-12-31 "
            f"({self.hours.tz}); build the calendar with a wider first_year/last_year"
        )

    def _epoch(self, moment: datetime) -> int:
        """Aware datetime -> whole UTC epoch seconds (floored), range-checked."""
        try:
            t: int = (moment - _EPOCH) // _ONE_SECOND
        except TypeError:
            raise self._moment_error(moment) from None
        if t < self._range_start or t >= self._range_end:
            raise self._range_error(f"moment {moment.isoformat()}")
        return t

    @staticmethod
    def _moment_error(moment: object) -> Exception:
        if isinstance(moment, datetime):
            return ValueError(
                f"naive datetime {moment.isoformat()} rejected: pass a timezone-aware datetime"
            )
        return TypeError(f"expected an aware datetime, got {type(moment).__name__}")

    def _to_datetime(self, epoch: int) -> datetime:
        return datetime.fromtimestamp(epoch, self.zone)

    def _cumulative(self, t: int) -> int:
        """Working seconds from the start of the range up to epoch ``t``."""
        p = bisect_right(self._bounds, t)
        if p & 1:  # Inside interval: _bounds[p-1] <= t < _bounds[p].
            return self._cum[p - 1] + t - self._bounds[p - 1]
        return self._cum[p]

    def _next_open_epoch(self, t: int) -> int:
        p = bisect_right(self._bounds, t)
        if p & 1:
            return t
        if p == self._n_bounds:
            raise self._range_error("next opening after the last office interval")
        return self._bounds[p]

    # ------------------------------------------------------------------ queries

    def is_working_day(self, d: date) -> bool:
        """True when ``d`` is a working day (weekday rules, days off, make-up days)."""
        if isinstance(d, datetime):
            # A datetime is a date subclass; which local date it means depends
            # on the zone, so refuse the ambiguity instead of guessing.
            raise TypeError("is_working_day takes a date; use is_open for datetimes")
        index = d.toordinal() - self._first_ordinal
        if not 0 <= index < len(self._working):
            raise self._range_error(f"date {d.isoformat()}")
        return bool(self._working[index])

    def is_open(self, moment: datetime) -> bool:
        """True when ``moment`` is inside office hours of a working day."""
        return bool(bisect_right(self._bounds, self._epoch(moment)) & 1)

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` (floored to the second) if open, else the next opening."""
        return self._to_datetime(self._next_open_epoch(self._epoch(moment)))

    def working_seconds_between(self, start: datetime, end: datetime) -> int:
        """Office seconds of working days in ``[start, end)``; negative if end < start."""
        return self._cumulative(self._epoch(end)) - self._cumulative(self._epoch(start))

    def add_seconds(self, start: datetime, seconds: int) -> datetime:
        """Moment after ``seconds`` of working time counted from ``start``.

        ``seconds == 0`` gives ``next_opening(start)``. For ``seconds > 0`` the
        result is the leftmost moment at which the working time reaches the
        target, so it may be exactly a closing time.
        """
        if type(seconds) is not int:
            if isinstance(seconds, bool) or not isinstance(seconds, int):
                raise TypeError(f"seconds must be an int, got {type(seconds).__name__}")
            seconds = int(seconds)
        if seconds < 0:
            raise ValueError(f"seconds must be >= 0, got {seconds}")
        t = self._epoch(start)
        if seconds == 0:
            return self._to_datetime(self._next_open_epoch(t))
        bounds = self._bounds
        p = bisect_right(bounds, t)
        if p & 1:
            target = self._cum[p - 1] + t - bounds[p - 1] + seconds
        else:
            target = self._cum[p] + seconds
        close_cum = self._close_cum
        m = bisect_left(close_cum, target)
        if m == len(close_cum):
            raise self._range_error(f"deadline for {start.isoformat()} + {seconds}s")
        return datetime.fromtimestamp(bounds[2 * m + 1] - (close_cum[m] - target), self.zone)

    def due(self, start: datetime, days: Decimal | int | str) -> datetime:
        """Deadline of ``days`` working days counted from ``start``."""
        # Hot path: legal durations come from a small set of values, so the
        # exact Decimal conversion is memoised. The exact-type check keeps
        # floats out (0.5 == Decimal("0.5") and they hash alike).
        kind = type(days)
        if kind is Decimal or kind is int or kind is str:
            seconds = self._days_cache.get(days)
            if seconds is None:
                seconds = self.days_to_seconds(days)
                if len(self._days_cache) < _DAY_CACHE_LIMIT:
                    self._days_cache[days] = seconds
        else:
            seconds = self.days_to_seconds(days)
        return self.add_seconds(start, seconds)

    def working_days_between(self, start: datetime, end: datetime) -> Decimal:
        """Working time between two moments in days, rounded to 0.01.

        Rounding is ROUND_HALF_UP (half away from zero, symmetric for negative
        values), done in integer arithmetic so it is exact. It is for display
        and reporting; compare deadlines with ``working_seconds_between``.
        """
        seconds = self.working_seconds_between(start, end)
        hundredths, remainder = divmod(abs(seconds) * 100, self.day_seconds)
        if 2 * remainder >= self.day_seconds:
            hundredths += 1
        return Decimal(-hundredths if seconds < 0 else hundredths).scaleb(-2)

    def days_to_seconds(self, days: Decimal | int | str) -> int:
        """Exact conversion of working days to working seconds.

        Floats (and bools) raise ``TypeError``: a float like 0.1 is not the
        decimal the law wrote. Negative, non-finite, unparsable values and
        values that are not a whole number of seconds raise
        ``InvalidDurationError`` (a ``ValueError`` and ``TypeError``).
        """
        if isinstance(days, bool) or isinstance(days, float):
            raise TypeError(f"working days must be Decimal, int or str, not {type(days).__name__}")
        if isinstance(days, str):
            try:
                value = Decimal(days.strip())
            except InvalidOperation:
                raise InvalidDurationError(f"not a decimal number of days: {days!r}") from None
        elif isinstance(days, (Decimal, int)):
            value = Decimal(days)
        else:
            raise TypeError(f"working days must be Decimal, int or str, not {type(days).__name__}")
        if not value.is_finite():
            raise InvalidDurationError(f"working days must be finite, got {days!r}")
        if value < 0:
            raise InvalidDurationError(f"working days must be >= 0, got {days!r}")
        if value.adjusted() > 6:
            # Far beyond any calendar range; refuse before building huge ints.
            raise InvalidDurationError(f"working days too large: {days!r}")
        numerator, denominator = value.as_integer_ratio()
        seconds, remainder = divmod(numerator * self.day_seconds, denominator)
        if remainder:
            raise InvalidDurationError(
                f"{days!r} working days is not a whole number of seconds "
                f"(office day = {self.day_seconds}s)"
            )
        return seconds


def _normalise_overrides(
    overrides: Iterable[tuple[date, str]] | Iterable[tuple[date, str, str]] | Mapping[date, str],
) -> dict[date, OverrideKind]:
    items: Iterable[tuple[object, ...]]
    if isinstance(overrides, Mapping):
        items = overrides.items()
    else:
        items = overrides
    result: dict[date, OverrideKind] = {}
    for item in items:
        if len(item) not in (2, 3):
            raise ValueError(f"override must be (date, kind) or (date, kind, note), got {item!r}")
        d, kind = item[0], item[1]
        if not isinstance(d, date) or isinstance(d, datetime):
            raise ValueError(f"override date must be a date, got {d!r}")
        if kind not in ("off", "work"):
            raise ValueError(f"override kind must be 'off' or 'work', got {kind!r}")
        if result.get(d, kind) != kind:
            raise ValueError(f"conflicting overrides for {d.isoformat()}")
        result[d] = kind  # type: ignore[assignment]
    return result


def vietnam_calendar(
    *,
    hours: OfficeHours | None = None,
    overrides: Iterable[tuple[date, str]] | Mapping[date, str] = DEFAULT_OVERRIDES,
    first_year: int = 2020,
    last_year: int = 2035,
) -> WorkCalendar:
    """Calendar with Vietnamese public holidays plus announced overrides.

    Public holidays come from ``holidays.VN`` (Labour Code 2019 Art. 112: New
    Year, lunar Tết, Hùng Kings' day, 30/4, 1/5, National Day 2/9 and the
    adjacent day, Vietnam Culture Day 24/11 from 2026, plus substitutions).
    ``overrides`` (date -> "off" | "work") win over weekday and holiday rules,
    e.g. make-up working Saturdays that ``holidays`` does not know.
    """
    import holidays  # Imported lazily: only this factory needs the dependency.

    hours = hours if hours is not None else OfficeHours()
    by_date = _normalise_overrides(overrides)
    public = holidays.VN(years=range(first_year, last_year + 1))
    days_off = {d for d in public if by_date.get(d) != "work"}
    days_off.update(d for d, kind in by_date.items() if kind == "off")
    work_days = {d for d, kind in by_date.items() if kind == "work"}
    return WorkCalendar(
        hours=hours,
        days_off=days_off,
        work_days=work_days,
        first_year=first_year,
        last_year=last_year,
    )
