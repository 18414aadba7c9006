"""What every exchange service shares: lock, check the move, check the role, record."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.selectors import has_role
from onestop.core.audit import audit_append
from onestop.core.errors import Conflict, InvalidTransition, NotAllowed

from ..models import DocState, OfficialDocument
from ..transitions import ACTION_LABELS, ASSIGNEE, PERMISSIONS, Action, target_state


def now_or(at: datetime.datetime | None) -> datetime.datetime:
    if at is not None and timezone.is_naive(at):
        raise ValueError("aware datetimes only")
    return at or timezone.now()


def lock_document(*, document_id: int, expected_version: int | None = None) -> OfficialDocument:
    try:
        document = (OfficialDocument.objects.select_for_update(of=("self",))
                    .select_related("agency").get(pk=document_id))
    except OfficialDocument.DoesNotExist as exc:
        raise InvalidTransition(_("This document does not exist.")) from exc
    if expected_version is not None and document.version != expected_version:
        raise Conflict(_("Someone else changed this document a moment ago. Reload the page "
                         "and try again."))
    return document


def check_move(*, action: Action, document: OfficialDocument) -> DocState:
    to = target_state(action, document.state)
    if to is None:
        raise InvalidTransition(
            _("“%(action)s” is not possible while the document is “%(state)s”."),
            action=ACTION_LABELS[action], state=document.get_state_display())
    return to


def may(*, action: Action, document: OfficialDocument, user: Any) -> bool:
    for role in PERMISSIONS.get(action, ()):
        if role == ASSIGNEE:
            if user is not None and document.assignee_id == user.pk:
                return True
        elif has_role(user=user, agency_id=document.agency_id, role=role):
            return True
    return False


def authorize(*, action: Action, document: OfficialDocument, user: Any) -> None:
    if user is None or not may(action=action, document=document, user=user):
        raise NotAllowed(_("Your role does not allow this action on this document."))


def record(*, document: OfficialDocument, action: Action, actor: Any, from_state: str,
           fields: list[str], at: datetime.datetime, reason: str = "",
           data: dict[str, Any] | None = None) -> None:
    document.version += 1
    document.save(update_fields=[*fields, "version", "updated_at"])
    audit_append(actor=actor, action=f"exchange.document.{action}",
                 object_type="official_document", object_id=document.pk,
                 from_state=from_state, to_state=document.state, reason=reason,
                 data=data or {}, at=at)
