"""One deadline badge rule for dossiers and feedback (onestop.core.badges)."""

from __future__ import annotations

import datetime

from onestop.core.badges import Badge, deadline_badge

NOW = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
SOON = NOW + datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def badge(**kw: object) -> Badge | None:
    return deadline_badge(now=NOW, soon_until=SOON, **{"running": True, **kw})  # type: ignore[arg-type]


def test_past_due_while_running_is_overdue_and_stopped_clocks_are_never():
    assert badge(due=NOW - HOUR) == Badge.OVERDUE
    assert badge(due=NOW - HOUR, running=False) is None


def test_the_apps_own_overdue_answer_wins():
    # A dossier whose result was ready late stays overdue although its clock stopped.
    assert badge(due=NOW - HOUR, running=False, overdue=True) == Badge.OVERDUE
    assert badge(due=NOW - HOUR, overdue=False) is None


def test_due_soon_by_the_window_or_by_the_sweeps_flag():
    assert badge(due=NOW + HOUR) == Badge.DUE_SOON
    assert badge(due=SOON + HOUR) is None
    assert badge(due=SOON + HOUR, flagged=True) == Badge.DUE_SOON
    assert badge(due=NOW + HOUR, running=False) is None


def test_once_done_it_says_on_time_or_late_and_nothing_without_a_due_moment():
    assert badge(due=NOW - HOUR, done_on_time=True) == Badge.ON_TIME
    assert badge(due=NOW + HOUR, done_on_time=False) == Badge.LATE
    assert badge(due=None) is None
