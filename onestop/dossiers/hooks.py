"""What dossiers offer the apps that follow them without being imported by them.

An app that must react to every recorded change of a dossier (the national portal's sync
outbox, onestop.national) registers a hook in its `AppConfig.ready()`; `services._base.record`
calls each one inside the service's transaction, after the audit event, so what the hook
writes (an outbox row) commits with the change or not at all. A hook that raises rolls the
change back. Registering a hook twice is harmless.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Dossier


@dataclass(frozen=True)
class Change:
    """One recorded change: the dossier as saved (locked), and what the service did."""

    dossier: Dossier
    action: str
    from_status: int | None
    actor: Any
    at: datetime.datetime
    reason: str
    data: dict[str, Any]


RecordHook = Callable[[Change], None]
_RECORD_HOOKS: list[RecordHook] = []


def register_record_hook(hook: RecordHook) -> RecordHook:
    if hook not in _RECORD_HOOKS:
        _RECORD_HOOKS.append(hook)
    return hook


def recorded(change: Change) -> None:
    for hook in list(_RECORD_HOOKS):
        hook(change)
