"""Financial obligations: status 6 (awaiting payment) and back to processing.

Minimal on purpose: the amount is recorded in the audit event; bills, providers and
reconciliation belong to a payments app. The legal clock keeps running in status 6
(onestop.dossiers.models.CLOCK_RUNNING).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import ValidationFailed

from ..models import Dossier, Status
from ..transitions import Action
from ._base import authorize, check_move, lock_dossier, now_or, record


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
    record(dossier=dossier, action=Action.REQUEST_PAYMENT, actor=actor, from_status=from_status,
           fields=["status"], at=at, reason=reason.strip(), data={"amount": amount})
    return dossier


@transaction.atomic
def dossier_payment_received(
    *, dossier_id: int, actor: Any, reference: str = "", expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Dossier:
    """The obligation is paid: processing resumes (status 6 → 4)."""
    at = now_or(at)
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=expected_version)
    to = check_move(action=Action.PAYMENT_RECEIVED, dossier=dossier)
    authorize(action=Action.PAYMENT_RECEIVED, dossier=dossier, user=actor)
    dossier.status = to
    record(dossier=dossier, action=Action.PAYMENT_RECEIVED, actor=actor,
           from_status=Status.AWAITING_PAYMENT, fields=["status"], at=at,
           data={"reference": reference.strip()})
    return dossier
