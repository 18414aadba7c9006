"""The deadline badge shown beside a due moment: overdue, due soon, or once done, on time or
late. One rule for every list and page that shows one (the dossier queues and page, the
feedback queue and page); each app says what its due moment, its running clock and "done"
mean, and the back office shows the result with one partial, backoffice/_deadline_badge.html.
"""

from __future__ import annotations

import datetime
from enum import StrEnum


class Badge(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TIME = "on_time"  # done before the due moment
    LATE = "late"  # done after it


def deadline_badge(
    *, due: datetime.datetime | None, now: datetime.datetime,
    soon_until: datetime.datetime, running: bool, overdue: bool | None = None,
    flagged: bool = False, done_on_time: bool | None = None,
) -> Badge | None:
    """The badge of one item.

    `running`: the clock runs (work is waiting on us); `overdue`: the app's own answer when
    it knows better than "running and past due" (a dossier whose result was ready late is
    overdue until returned); `flagged`: the deadline sweep already judged it due soon (with
    the centre's own hours); `done_on_time`: set once the item is done, for the after-badge.
    """
    if done_on_time is not None:
        return Badge.ON_TIME if done_on_time else Badge.LATE
    if due is None:
        return None
    if overdue if overdue is not None else (running and now > due):
        return Badge.OVERDUE
    if running and now <= due and (flagged or due <= soon_until):
        return Badge.DUE_SOON
    return None
