"""Outgoing messages: sign them with the agency's key, keep the bytes, queue one delivery per
recipient — all in the caller's transaction, so a rolled-back send leaves nothing queued and a
committed one is never lost."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography import x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency
from onestop.core.errors import ValidationFailed

from ..edxml.build import build
from ..edxml.errors import EdxmlError
from ..edxml.model import Document, Organ, Status, StatusCode
from ..keys import agency_credentials, load_certificates
from ..models import Delivery, Direction, ExchangeMessage, OfficialDocument
from ..signing import sign_message

ENDPOINT_PATH = "/api/v1/exchange/messages"  # onestop.api.exchange


@dataclass(frozen=True)
class Peer:
    """Another onestop instance (or a relay of the national platform) serving some organs."""

    url: str  # base URL; messages are POSTed to url + ENDPOINT_PATH
    certificate: x509.Certificate | None = None  # pinned signer, when configured


@cache
def _peers(raw: str) -> dict[str, Peer]:
    if not raw:
        return {}
    text = Path(raw).read_text() if not raw.lstrip().startswith("{") else raw
    try:
        table = json.loads(text)
    except ValueError as exc:
        raise ImproperlyConfigured(f"ONESTOP_EXCHANGE_PEERS is not JSON: {exc}") from exc
    peers = {}
    for organ_id, entry in table.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            raise ImproperlyConfigured(f"ONESTOP_EXCHANGE_PEERS[{organ_id!r}] needs a url")
        cert = load_certificates(Path(entry["cert"]))[0] if entry.get("cert") else None
        peers[organ_id] = Peer(url=entry["url"].rstrip("/"), certificate=cert)
    return peers


def peers() -> dict[str, Peer]:
    """ONESTOP_EXCHANGE_PEERS: {organ id: {"url": …, "cert": PEM path}} (inline or a file)."""
    return _peers(settings.ONESTOP_EXCHANGE_PEERS)


def is_local(organ_id: str) -> bool:
    """Whether this instance serves the organ (an agency here that no peer claims)."""
    return organ_id not in peers() and Agency.objects.filter(code=organ_id).exists()


def organ_of(agency: Agency) -> Organ:
    return Organ(organ_id=agency.code, organ_name=agency.name, organ_add=agency.address,
                 telephone=agency.phone)


def signed_bytes(message: Document | Status, *, agency_code: str) -> bytes:
    """The message signed with the agency's key (unsigned only where signatures are off)."""
    try:
        credentials = agency_credentials(agency_code)
    except EdxmlError as exc:
        if settings.ONESTOP_EXCHANGE_REQUIRE_SIGNATURE:
            raise ValidationFailed(
                _("The agency %(code)s has no signing key configured: %(detail)s"),
                code=agency_code, detail=str(exc)) from exc
        return build(message)
    return sign_message(message, credentials)


def queue(*, data: bytes, message: Document | Status, agency: Agency,
          document: OfficialDocument | None, recipients: list[str],
          at: datetime.datetime) -> ExchangeMessage:
    """Keep an outgoing message and one delivery per recipient (caller's transaction)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("messages are queued inside the transaction that sends them")
    row = ExchangeMessage.objects.create(
        direction=Direction.OUTGOING, kind=message.kind, agency=agency, entry=document,
        document_id=message.document_id,
        business_type=int(message.business_type) if isinstance(message, Document) else None,
        status_code=str(message.status_code) if isinstance(message, Status) else "",
        sender_organ_id=agency.code, raw=data, sha256=hashlib.sha256(data).hexdigest(),
        outcome=ExchangeMessage.Outcome.ACCEPTED, at=at,
    )
    Delivery.objects.bulk_create([
        Delivery(message=row, organ_id=organ_id, next_attempt_at=at)
        for organ_id in dict.fromkeys(recipients)
    ])
    from ..tasks import deliver_soon

    transaction.on_commit(deliver_soon)
    return row


def report_status(*, document: OfficialDocument, code: StatusCode, at: datetime.datetime,
                  description: str = "", staff: str = "") -> ExchangeMessage:
    """Tell the sender of an incoming document what became of it (01–06, 15, 16)."""
    status = Status(
        sender=organ_of(document.agency), document_id=document.document_id, status_code=code,
        description=description, timestamp=at, response_organ_id=document.sender_organ_id,
        department=document.department.name if document.department else "",
        staff=staff,
    )
    data = signed_bytes(status, agency_code=document.agency.code)
    return queue(data=data, message=status, agency=document.agency, document=document,
                 recipients=[document.sender_organ_id], at=at)
