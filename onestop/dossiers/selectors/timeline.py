"""The audit trail of a dossier as a timeline, and the labels of its events and statuses."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onestop.core.models import AuditEvent

from ..models import Dossier, Status
from ..transitions import ACTION_LABELS, Action

EXTRA_LABELS = {
    "dossier.assign": _("Assigned"),
    "dossier.extend": _("Processing time extended (apology signed)"),
    "apology.prepare": _("Apology letter drafted"),
    "apology.dismiss": _("Apology letter dismissed"),
}


def action_label(action: str) -> str:
    """A human label for an audit action name such as 'dossier.hand_over'."""
    if action in EXTRA_LABELS:
        return str(EXTRA_LABELS[action])
    name = action.split(".", 1)[-1]
    try:
        return str(ACTION_LABELS[Action(name)])
    except ValueError:
        return name.replace("_", " ")


def status_label(code: str) -> str:
    if not code:
        return ""
    try:
        return str(Status(int(code)).label)
    except ValueError:
        return code


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    label: str
    actor: str = ""
    from_status: str = ""
    to_status: str = ""
    reason: str = ""
    changes_status: bool = False


def events_of(dossier_id: int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type="dossier", object_id=str(dossier_id)).order_by(
        "seq"
    ).only("seq", "at", "actor_id", "actor_label", "action", "from_state", "to_state", "reason")


def _actor_label(event: AuditEvent) -> str:
    # core.audit stores the untranslated word "system" when no person acted (the deadline
    # sweep); the stored label is hashed into the chain, so translate it only for display.
    if event.actor_id is None and event.actor_label == "system":
        return str(_("system"))
    return event.actor_label


def dossier_timeline(*, dossier: Dossier) -> list[TimelineEntry]:
    """Every audited event of the dossier, oldest first (staff view: who, why)."""
    return [
        TimelineEntry(
            at=e.at, label=action_label(e.action), actor=_actor_label(e),
            from_status=status_label(e.from_state), to_status=status_label(e.to_state),
            reason=e.reason, changes_status=e.from_state != e.to_state,
        )
        for e in events_of(dossier.pk)
    ]
