"""Financial obligations: status 6 (awaiting payment) and back to processing.

What is owed and how it is paid: onestop.dossiers.services.fees (the dossier's fee items and
payments, through the payments core); this module only moves the dossier. When a payment of
the dossier settles, the settle hook there calls `dossier_payment_received` with system=True
inside the settle transaction, so the dossier moves in the same transaction as the money.
Whether the legal clock stands still in status 6 is the procedure's property
(`ProcedureVersion.payment_pauses_clock`), applied by onestop.dossiers.services.clock.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.catalog.models import ProcedureVersion
from onestop.core.clock import now_or
from onestop.core.errors import ValidationFailed

from ..models import ClockPause, Dossier, Status
from ..permissions import authorize
from ..transitions import Action
from ._base import check_move, lock_dossier, record
from .clock import CLOCK_FIELDS, clock_pause, clock_resume, payment_wait_pauses
from .fees import fees_for_dossier, obligation_add, outstanding


def _enter_payment_wait(dossier: Dossier, *, at: datetime.datetime) -> list[str]:
    """Status 6 stops the clock when the procedure says so; the fields to save."""
    if not payment_wait_pauses(dossier):
        return []
    clock_pause(dossier, kind=ClockPause.Kind.PAYMENT, at=at)
    return ["paused_at"]


@transaction.atomic
def dossier_request_payment(
    *, dossier_id: int, actor: Any, amount: int, reason: str = "",
    expected_version: int | None = None, at: datetime.datetime | None = None,
) -> Dossier:
    """Ask the applicant to pay a fee or tax before processing goes on (status 6)."""
    at = now_or(at)
    if type(amount) is not int or amount <= 0:  # integer VND, never a float
        raise ValidationFailed(_("The amount must be a positive whole number of đồng."))
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=expected_version)
    from_status = dossier.status
    to = check_move(action=Action.REQUEST_PAYMENT, dossier=dossier)
    authorize(action=Action.REQUEST_PAYMENT, dossier=dossier, user=actor)
    dossier.status = to
    # The obligation becomes an open fee item the applicant can pay online or at the counter.
    obligation_add(dossier=dossier, amount=amount, name=reason.strip()[:300], at=at)
    paused = _enter_payment_wait(dossier, at=at)
    record(dossier=dossier, action=Action.REQUEST_PAYMENT, actor=actor, from_status=from_status,
           fields=["status", *paused], at=at, reason=reason.strip(),
           data={"amount": amount, "clock_paused": bool(paused)})
    return dossier


@transaction.atomic
def dossier_payment_received(
    *, dossier_id: int, actor: Any, reference: str = "", expected_version: int | None = None,
    at: datetime.datetime | None = None, system: bool = False,
) -> Dossier:
    """The obligation is paid: processing resumes (status 6 → 4).

    system=True: called by the settle hook (onestop.dossiers.services.fees) when a verified
    payment settles (actor None for
    a bank's notification, or the officer who recorded cash); no role check then, the
    payment itself is the authority.
    """
    at = now_or(at)
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=expected_version)
    to = check_move(action=Action.PAYMENT_RECEIVED, dossier=dossier)
    if not system:
        authorize(action=Action.PAYMENT_RECEIVED, dossier=dossier, user=actor)
    dossier.status = to
    moved = clock_resume(dossier, at=at)
    record(dossier=dossier, action=Action.PAYMENT_RECEIVED, actor=actor,
           from_status=Status.AWAITING_PAYMENT,
           fields=["status", *(CLOCK_FIELDS if moved else [])], at=at,
           data={"reference": reference.strip(), **moved})
    return dossier


def after_receipt(dossier: Dossier, *, at: datetime.datetime) -> None:
    """In the receipt transaction: compute the fee items; wait in status 6 if the procedure
    is paid before processing and something is owed (the move is the system's, audited)."""
    fees_for_dossier(dossier=dossier, at=at, just_received=True)
    timing = dossier.procedure_version.payment_timing
    if timing != ProcedureVersion.PaymentTiming.BEFORE_PROCESSING:
        return
    owed = outstanding(dossier_id=dossier.pk)
    if owed <= 0:
        return
    from_status = dossier.status
    dossier.status = check_move(action=Action.REQUEST_PAYMENT, dossier=dossier)
    paused = _enter_payment_wait(dossier, at=at)
    record(dossier=dossier, action=Action.REQUEST_PAYMENT, actor=None, from_status=from_status,
           fields=["status", *paused], at=at, reason="",
           data={"amount": owed, "automatic": True, "clock_paused": bool(paused)})


def ensure_paid_before_return(dossier: Dossier) -> None:
    """A procedure paid before the result is returned keeps its result until then."""
    if dossier.procedure_version.payment_timing != ProcedureVersion.PaymentTiming.BEFORE_RETURN:
        return
    owed = outstanding(dossier_id=dossier.pk)
    if owed > 0:
        raise ValidationFailed(
            _("The fees (%(amount)s đồng) must be paid before the result is returned."),
            amount=f"{owed:,}".replace(",", "."),
        )
