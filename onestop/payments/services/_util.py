from __future__ import annotations

import datetime

from django.utils import timezone


def now_or(at: datetime.datetime | None) -> datetime.datetime:
    if at is not None and timezone.is_naive(at):
        raise ValueError("aware datetimes only")
    return at or timezone.now()
