"""What every dossier service shares: lock, check the move, check the role, record.

A service runs in one transaction: `lock_dossier` takes the row lock (SELECT … FOR UPDATE;
on SQLite the IMMEDIATE transaction holds the database write lock), then `check_move`
consults the transitions table, `authorize` (onestop.dossiers.permissions) the permissions
table, and `record` bumps the
version, saves the fields the service changed and appends the audit event.
"""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import audit_append
from onestop.core.errors import Conflict, InvalidTransition, ValidationFailed

from ..hooks import Change, recorded
from ..models import Dossier, DossierStep, Status
from ..public import bump_public_generation
from ..transitions import ACTION_LABELS, Action, target_status


def open_step(dossier: Dossier) -> DossierStep:
    """The step the dossier is at; a clear error when it has none (finished or refused)."""
    if dossier.current_step is None:
        raise ValidationFailed(_("The dossier has no open step."))
    return dossier.current_step


def appointment_of(dossier: Dossier) -> datetime.datetime:
    if dossier.appointment_at is None:
        raise InvalidTransition(_("The dossier has not been received yet."))
    return dossier.appointment_at


def lock_dossier(*, dossier_id: int, expected_version: int | None) -> Dossier:
    try:
        dossier = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("procedure_version", "receiving_agency", "handling_agency",
                            "current_step")
            .get(pk=dossier_id)
        )
    except Dossier.DoesNotExist as exc:
        raise InvalidTransition(_("This dossier does not exist.")) from exc
    if expected_version is not None and dossier.version != expected_version:
        raise Conflict()
    return dossier


def check_move(*, action: Action, dossier: Dossier) -> Status:
    to = target_status(action, dossier.status)
    if to is None:
        raise InvalidTransition(
            _("“%(action)s” is not possible while the dossier is “%(status)s”."),
            action=ACTION_LABELS[action], status=dossier.get_status_display(),
        )
    return to


def record(
    *, dossier: Dossier, action: Action | str, actor: Any, from_status: int | None,
    fields: list[str],
    at: datetime.datetime, reason: str = "", data: dict[str, Any] | None = None,
) -> None:
    dossier.version += 1
    fields = list(fields)
    if "current_step" in fields:
        step = dossier.current_step
        dossier.current_agency_id = step.agency_id if step else None
        dossier.current_role = step.role if step else ""
        dossier.current_assignee_id = step.assignee_id if step else None
        fields += ["current_agency", "current_role", "current_assignee"]
    dossier.save(update_fields=[*fields, "version", "updated_at"])
    if dossier.code:
        transaction.on_commit(partial(bump_public_generation, dossier.code))
    audit_append(
        actor=actor, action=f"dossier.{action}", object_type="dossier",
        object_id=dossier.pk, from_state="" if from_status is None else str(from_status),
        to_state=str(dossier.status), reason=reason, data=data or {}, at=at,
    )
    # The notification outbox is written in this same transaction (docs/notifications.md).
    from onestop.notifications.services import notify_dossier_event

    notify_dossier_event(dossier=dossier, action=str(action), at=at, reason=reason, data=data,
                         actor=actor)
    # Apps following dossiers (the national portal's outbox) write in this transaction too.
    recorded(Change(dossier=dossier, action=str(action), from_status=from_status, actor=actor,
                    at=at, reason=reason, data=data or {}))
