"""Signed checkpoints of the audit chain's head, kept outside the audit table.

The hash chain (core.audit) proves that no stored event was changed, removed or reordered
before the chain head, but the head is a row in the same database: whoever can write the
database can delete the last events, rewind the head, and the chain still verifies. A
checkpoint anchors the head elsewhere: every ONESTOP_AUDIT_CHECKPOINT_INTERVAL seconds (when
events were added) the worker signs (seq, hash) of the head with an Ed25519 key kept in a file,
never in the database, and writes the signed checkpoint

- to the audit log itself (an `audit.checkpoint` event),
- to an append-only file (ONESTOP_AUDIT_CHECKPOINT_FILE, one JSON object per line), and
- to the application log (logger `onestop.audit`, which journald or a log shipper carries
  off the machine).

`audit_verify` then checks the latest checkpoint: its signature, and that the chain still
holds the event it names with the same hash. Cutting the tail is then seen, except for the
events added since the latest checkpoint (at most one interval). Copies of the file (or of
the log lines) kept on another machine also catch someone who can rewrite the file here;
`onestop audit verify --checkpoints COPY --public-key KEY.pem` checks against such a copy
(docs/operations.md). Ed25519 (the `cryptography` package) rather than an HMAC, so that
checking needs only the public key, which can be handed to an auditor.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .audit import GENESIS, audit_append
from .models import AuditChainHead, AuditEvent

logger = logging.getLogger("onestop.audit")

ACTION = "audit.checkpoint"


@dataclass(frozen=True)
class Checkpoint:
    seq: int  # the head's event number when signed
    hash: str  # that event's hash
    chain: str  # hash of event #1: which log this is a checkpoint of
    at: str  # ISO 8601, UTC
    key: str  # id of the signing key (first 16 hex digits of SHA-256 of the public key)
    signature: str = ""  # base64 Ed25519 signature over `payload()`

    def payload(self) -> bytes:
        body = {"seq": self.seq, "hash": self.hash, "chain": self.chain, "at": self.at,
                "key": self.key}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Checkpoint:
        return cls(seq=int(str(data["seq"])), hash=str(data["hash"]), chain=str(data["chain"]),
                   at=str(data["at"]), key=str(data["key"]),
                   signature=str(data.get("signature", "")))


# ---- keys -----------------------------------------------------------------------------------

def key_path() -> Path:
    return Path(settings.ONESTOP_AUDIT_SIGNING_KEY)


def checkpoint_file() -> Path:
    return Path(settings.ONESTOP_AUDIT_CHECKPOINT_FILE)


def signing_key() -> Ed25519PrivateKey:
    """The private key from its file; a new one (mode 0600) when the file does not exist."""
    path = key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it first
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
            logger.warning("created the audit checkpoint signing key %s: back it up and keep "
                           "its public key off this machine (onestop audit public-key)", path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


# ---- writing --------------------------------------------------------------------------------

def chain_id() -> str:
    first = AuditEvent.objects.filter(seq=1).values_list("hash", flat=True).first()
    return first or GENESIS


def _latest_in_log() -> AuditEvent | None:
    return AuditEvent.objects.filter(object_type="audit", action=ACTION).order_by("-seq").first()


def checkpoint_write(*, now: datetime.datetime | None = None) -> Checkpoint | None:
    """Sign the chain head and write the checkpoint to the file, the log and the audit log.

    Nothing when no event was added since the last checkpoint (whose own event is then the
    head). The head row is locked meanwhile, so the head signed is the head recorded.
    """
    now = now or timezone.now()
    key = signing_key()
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(id=1).first()
        last = _latest_in_log()
        if head is None or head.seq == 0 or (last is not None and last.seq == head.seq):
            return None
        unsigned = Checkpoint(seq=head.seq, hash=head.hash, chain=chain_id(),
                              at=now.astimezone(datetime.UTC).isoformat(timespec="seconds"),
                              key=key_id(key.public_key()))
        signature = base64.b64encode(key.sign(unsigned.payload())).decode()
        checkpoint = Checkpoint(**{**asdict(unsigned), "signature": signature})
        # The file first: if the transaction then fails, the file holds a true checkpoint of
        # committed events, which is harmless; the other order could lose one.
        _append(checkpoint)
        audit_append(actor=None, action=ACTION, object_type="audit", object_id=head.seq,
                     data=asdict(checkpoint), at=now)
    logger.info("audit checkpoint %s", checkpoint.to_json())
    return checkpoint


def _append(checkpoint: Checkpoint) -> None:
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(checkpoint.to_json() + "\n")
        handle.flush()
        os.fsync(handle.fileno())


# ---- checking -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckpointResult:
    ok: bool
    problem: str = ""
    latest: Checkpoint | None = None
    broken_seq: int | None = None


def read_checkpoints(path: Path) -> list[Checkpoint]:
    if not path.exists():
        return []
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(Checkpoint.from_dict(json.loads(line)))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}, line {number}: not a checkpoint ({exc})") from exc
    return out


def _signed_by(checkpoint: Checkpoint, keys: dict[str, Ed25519PublicKey]) -> bool:
    key = keys.get(checkpoint.key)
    if key is None:
        return False
    try:
        key.verify(base64.b64decode(checkpoint.signature), checkpoint.payload())
    except (InvalidSignature, ValueError):
        return False
    return True


def checkpoints_verify(*, files: Iterable[Path] | None = None,
                       public_keys: Iterable[Ed25519PublicKey] | None = None
                       ) -> CheckpointResult:
    """Check every checkpoint's signature, then that the log still holds the event the
    latest one names, with the same hash and in the same chain."""
    keys = {key_id(k): k for k in (public_keys or [])}
    if not keys:
        if not key_path().exists():
            return CheckpointResult(True, "no signing key: no checkpoint written yet")
        own = signing_key().public_key()
        keys = {key_id(own): own}
    found: list[tuple[str, Checkpoint]] = []
    for path in files if files is not None else [checkpoint_file()]:
        found += [(str(path), c) for c in read_checkpoints(Path(path))]
    for event in AuditEvent.objects.filter(object_type="audit", action=ACTION).order_by("seq"):
        found.append((f"audit event #{event.seq}", Checkpoint.from_dict(event.data)))
    if not found:
        return CheckpointResult(True, "no checkpoint written yet")
    for where, checkpoint in found:
        if not _signed_by(checkpoint, keys):
            return CheckpointResult(False, f"the checkpoint of {checkpoint.at} in {where} is "
                                    "not signed by the audit key", checkpoint, checkpoint.seq)
    latest = max((c for _where, c in found), key=lambda c: (c.seq, c.at))
    stored = AuditEvent.objects.filter(seq=latest.seq).values_list("hash", flat=True).first()
    if stored is None:
        return CheckpointResult(False, f"the checkpoint of {latest.at} covers event "
                                f"#{latest.seq}, which is missing: events were removed from "
                                "the end of the log", latest, latest.seq)
    if stored != latest.hash or chain_id() != latest.chain:
        return CheckpointResult(False, f"event #{latest.seq} is not the one the checkpoint of "
                                f"{latest.at} signed", latest, latest.seq)
    return CheckpointResult(True, "", latest)
