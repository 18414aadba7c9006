"""The legal clock: stopping it, starting it again, and moving the due moments.

The one home of the pause rules (docs/domain.md §6):

- A period counts in working time from the receipt of a complete dossier.
- A supplement request stops the clock until the documents arrive (form 02 states the
  pause; Circular 03/2025/TT-VPCP).
- The wait for financial obligations (status 6) stops it only where the procedure's own
  rules exclude that time, e.g. land procedures, whose processing times do not count the
  time the land user takes to meet financial obligations (the land law's implementing
  decree; the exact article is listed as unconfirmed in docs/legal-rules.md). The catalog
  holds it as `ProcedureVersion.payment_pauses_clock`, edited by agency admins.

When the clock starts again, the legal due moment, the promised appointment and every open
step's due moment move by exactly the working time that was left at the pause, counted again
from the resumption. A moment already past at the pause stays where it was: the dossier was
late already, and a pause does not excuse that.

These helpers run inside the caller's transaction, on a dossier it has locked
(services/_base.lock_dossier); they save what they change and return the figures for the
caller's audit event.
"""

from __future__ import annotations

import datetime
from typing import Any

from onestop.core.calendars import calendar_for

from ..models import ClockPause, Dossier


def _shift(cal: Any, moment: datetime.datetime, *, paused_at: datetime.datetime,
           resumed_at: datetime.datetime) -> datetime.datetime:
    if moment <= paused_at:
        return moment
    left = cal.working_seconds_between(paused_at, moment)
    return cal.add_seconds(resumed_at, left)


def clock_pause(dossier: Dossier, *, kind: ClockPause.Kind | str,
                at: datetime.datetime) -> ClockPause:
    """Stop the clock now (the caller saves `paused_at` with its own record())."""
    dossier.paused_at = at
    return ClockPause.objects.create(dossier=dossier, kind=kind, started_at=at)


def payment_wait_pauses(dossier: Dossier) -> bool:
    """Whether this dossier's wait in status 6 stops the clock (a procedure property)."""
    return bool(dossier.procedure_version.payment_pauses_clock)


def clock_resume(dossier: Dossier, *, at: datetime.datetime) -> dict[str, Any]:
    """Start the clock again and move every open due moment by the pause.

    Sets `paused_at`, `legal_due_at` and `appointment_at` on the dossier (the caller saves
    them with record(..., fields=CLOCK_FIELDS)) and saves the steps. Returns the figures for
    the audit event. A dossier whose clock is not stopped is left as it is.
    """
    pause = dossier.pauses.filter(ended_at__isnull=True).first()
    paused_at = dossier.paused_at or (pause.started_at if pause else None)
    if paused_at is None:
        return {}
    cal = calendar_for(dossier.receiving_agency)
    seconds = max(0, cal.working_seconds_between(paused_at, at))
    if pause is not None:
        pause.ended_at = at
        pause.working_seconds = seconds
        pause.save(update_fields=["ended_at", "working_seconds"])
    old_due, old_appointment = dossier.legal_due_at, dossier.appointment_at
    if dossier.legal_due_at is not None:
        dossier.legal_due_at = _shift(cal, dossier.legal_due_at, paused_at=paused_at,
                                      resumed_at=at)
    if dossier.appointment_at is not None:
        dossier.appointment_at = _shift(cal, dossier.appointment_at, paused_at=paused_at,
                                        resumed_at=at)
    for step in dossier.steps.filter(finished_at__isnull=True):
        step.due_at = _shift(cal, step.due_at, paused_at=paused_at, resumed_at=at)
        step.save(update_fields=["due_at"])
    dossier.paused_at = None
    return {"old_legal_due": old_due, "legal_due": dossier.legal_due_at,
            "old_appointment": old_appointment, "appointment": dossier.appointment_at,
            "paused_working_seconds": seconds}


def clock_close(dossier: Dossier, *, at: datetime.datetime) -> None:
    """The dossier ends while paused (stopped, withdrawn): close the pause, move nothing."""
    pause = dossier.pauses.filter(ended_at__isnull=True).first()
    if pause is not None:
        cal = calendar_for(dossier.receiving_agency)
        pause.ended_at = at
        pause.working_seconds = max(0, cal.working_seconds_between(pause.started_at, at))
        pause.save(update_fields=["ended_at", "working_seconds"])
    dossier.paused_at = None


# The dossier fields clock_resume may change, for the caller's record(fields=...).
CLOCK_FIELDS = ["paused_at", "legal_due_at", "appointment_at"]
