"""The moment a service acts at.

Services take an optional `at` so tests, the demo builder and replays can act in the past;
left out, it is now. Naive datetimes are refused: every moment is aware (stored in UTC,
shown in Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def now_or(at: datetime.datetime | None) -> datetime.datetime:
    """`at` when given (aware only), else the current moment."""
    if at is not None and timezone.is_naive(at):
        raise ValueError("aware datetimes only")
    return at or timezone.now()
