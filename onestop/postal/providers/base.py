"""What every postal provider offers, and the registry that finds them by name.

A provider turns a hand-over into the postal service's order request and reads its answer
(a tracking code, or a refusal), and verifies and reads the status callbacks it sends.
Business rules (which dossier, which fee, what a status does) live in onestop.postal.services.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any, Protocol

from onestop.core.registry import Registry

SIGNATURE_HEADER = "X-Postal-Signature"
TIMESTAMP_HEADER = "X-Postal-Timestamp"
# The statuses a callback may carry (docs/postal.md maps the postal service's own codes).
CALLBACK_STATUSES = ("accepted", "in_transit", "delivered", "failed", "returned")


class Refused(Exception):
    """The postal service answered and will not take the shipment (the address, mostly)."""


class Unavailable(Exception):
    """The postal service could not be reached, timed out or failed: nothing was created."""


class BadSignature(Exception):
    """The callback is not signed with the key we share, or its timestamp is too old."""


class Malformed(Exception):
    """Signed, but not a callback we can read."""


@dataclass(frozen=True)
class Order:
    dossier_code: str
    recipient: str
    phone: str
    address: str
    province: str
    fee: int  # VND, what the citizen pays for the delivery
    sender_name: str
    sender_address: str
    contents: str


@dataclass(frozen=True)
class Created:
    tracking_code: str
    fee: int | None = None  # what the postal service quoted, when it says


@dataclass(frozen=True)
class Event:
    event_id: str
    tracking_code: str
    status: str
    at: str = ""
    note: str = ""


class Provider(Protocol):
    name: str
    standin: bool

    def label(self) -> str: ...

    def create(self, order: Order) -> Created: ...

    def parse_callback(self, body: bytes, headers: Any) -> Event: ...


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex: the timestamp is signed, so a captured
    callback cannot be re-sent later with a fresh one (docs/postal.md)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, headers: Any, *, now: float, window: int) -> None:
    timestamp = str(headers.get(TIMESTAMP_HEADER, ""))
    given = str(headers.get(SIGNATURE_HEADER, ""))
    if not secret or not given or not timestamp.isdigit():
        raise BadSignature("missing signature or timestamp")
    if not hmac.compare_digest(sign(secret, timestamp, body), given):
        raise BadSignature("signature does not match")
    if abs(now - int(timestamp)) > window:
        raise BadSignature("timestamp outside the accepted window (replayed?)")


def read_event(body: bytes) -> Event:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Malformed("not JSON") from exc
    if not isinstance(data, dict):
        raise Malformed("not an object")
    missing = [k for k in ("EventId", "ItemCode", "Status") if not data.get(k)]
    if missing:
        raise Malformed("missing: " + ", ".join(missing))
    status = str(data["Status"])
    if status not in CALLBACK_STATUSES:
        raise Malformed(f"unknown status {status!r}")
    return Event(event_id=str(data["EventId"])[:80], tracking_code=str(data["ItemCode"])[:40],
                 status=status, at=str(data.get("Time", ""))[:40],
                 note=str(data.get("Note", ""))[:300])


_REGISTRY: Registry[Provider] = Registry("postal provider")
register = _REGISTRY.register
get = _REGISTRY.get
registered = _REGISTRY.registered
