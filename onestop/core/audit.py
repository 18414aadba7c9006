"""The append-only, hash-chained audit log.

Each event's hash is SHA-256 over the previous hash and a canonical JSON form of the event,
so any edit, deletion or reordering of stored events is detected by `audit_verify` at the
first event whose stored hash no longer matches.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from onestop.core.clock import now_or

from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _canonical(
    *, seq: int, at: datetime.datetime, actor_id: int | None, actor_label: str, action: str,
    object_type: str, object_id: str, from_state: str, to_state: str, reason: str,
    data: dict[str, Any],
) -> bytes:
    body = {
        "seq": seq,
        "at": at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object": f"{object_type}:{object_id}",
        "from": from_state,
        "to": to_state,
        "reason": reason,
        "data": data,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _digest(prev_hash: str, payload: bytes) -> str:
    return hashlib.sha256(prev_hash.encode() + payload).hexdigest()


def audit_append(
    *, actor: Any | None, action: str, object_type: str, object_id: str | int,
    from_state: str = "", to_state: str = "", reason: str = "",
    data: dict[str, Any] | None = None, at: datetime.datetime | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_append must run inside the transaction of the change")
    at = now_or(at)
    data = json.loads(json.dumps(data or {}, default=str))  # what is hashed is what is stored
    head = AuditChainHead.objects.select_for_update().filter(id=1).first()
    if head is None:  # first event ever (the row is normally created by a migration)
        head, _created = AuditChainHead.objects.get_or_create(id=1)
        head = AuditChainHead.objects.select_for_update().get(id=1)
    seq = head.seq + 1
    actor_id = getattr(actor, "pk", None)
    actor_label = str(actor) if actor is not None else "system"
    fields: dict[str, Any] = {
        "seq": seq, "at": at, "actor_id": actor_id, "actor_label": actor_label[:200],
        "action": action, "object_type": object_type, "object_id": str(object_id),
        "from_state": str(from_state), "to_state": str(to_state), "reason": reason, "data": data,
    }
    digest = _digest(head.hash, _canonical(**fields))
    event = AuditEvent.objects.create(prev_hash=head.hash, hash=digest, **fields)
    AuditChainHead.objects.filter(id=1).update(seq=seq, hash=digest)
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    problem: str = ""
    note: str = ""


def _iter_events(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        chunk = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def audit_verify(*, checkpoints: bool = True, files: Any = None, public_keys: Any = None
                 ) -> VerifyResult:
    """Walk the chain from the start; report the first event that does not fit. Then check
    the latest signed checkpoint (core.checkpoints), which catches a cut tail."""
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    for event in _iter_events():
        if event.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"event #{expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return VerifyResult(False, checked, event.seq, "does not link to the previous event")
        payload = _canonical(
            seq=event.seq, at=event.at, actor_id=event.actor_id, actor_label=event.actor_label,
            action=event.action, object_type=event.object_type, object_id=event.object_id,
            from_state=event.from_state, to_state=event.to_state, reason=event.reason,
            data=event.data,
        )
        if _digest(prev_hash, payload) != event.hash:
            return VerifyResult(False, checked, event.seq, "content was altered")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.seq != checked:
        return VerifyResult(
            False, checked, checked + 1, f"the chain head says {head.seq} events exist"
        )
    if checkpoints:
        from .checkpoints import checkpoints_verify

        anchored = checkpoints_verify(files=files, public_keys=public_keys)
        if not anchored.ok:
            return VerifyResult(False, checked, anchored.broken_seq, anchored.problem)
        note = (f"latest checkpoint: event #{anchored.latest.seq} at {anchored.latest.at}"
                if anchored.latest else anchored.problem)
        return VerifyResult(True, checked, note=note)
    return VerifyResult(True, checked)
