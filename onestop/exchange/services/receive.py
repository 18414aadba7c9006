"""Receive one edXML message (from another instance, the national platform or this one).

A document is verified, entered as "arrived" in the incoming register of every recipient
agency served here, and answered with a signed 01 status; a message that cannot be accepted
is kept for inspection and answered with a 02 status naming the reason. Nothing is
half-registered: each message is accepted in one transaction or not at all. Duplicates are
recognised by DocumentId (and business type) and answered as the first copy was.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onestop.agencies.models import Agency
from onestop.core.audit import audit_append

from ..edxml.errors import EdxmlError, Reason
from ..edxml.model import BusinessType, Document, Organ, Status, StatusCode
from ..edxml.parse import add_trace, parse
from ..keys import trust_anchors
from ..models import (
    Direction,
    DocState,
    DocumentStatus,
    ExchangeMessage,
    OfficialDocument,
)
from ..signing import verify_message
from ..transitions import Action
from ._base import now_or, record
from .documents import apply_change, save_attachments
from .outbox import is_local, organ_of, peers, signed_bytes


@dataclass(frozen=True)
class Answer:
    http_status: int  # 200 accepted (or duplicate), 422 refused
    outcome: str
    body: bytes  # a signed 01/02 status for a document; a short text for a status
    content_type: str = "application/xml"


def _check(data: bytes) -> tuple[Document | Status, str]:
    max_bytes = settings.ONESTOP_EDXML_MAX_BYTES
    try:
        verified = verify_message(data, anchors=trust_anchors(), max_bytes=max_bytes)
    except EdxmlError as exc:
        if exc.reason == Reason.UNSIGNED and not settings.ONESTOP_EXCHANGE_REQUIRE_SIGNATURE:
            return parse(data, max_bytes=max_bytes), ""
        raise
    message = verified.message
    peer = peers().get(message.sender.organ_id)
    if peer and peer.certificate and peer.certificate != verified.signer_certificate:
        raise EdxmlError(Reason.UNTRUSTED,
                         _("The message is not signed with the certificate of %(organ)s."),
                         organ=message.sender.organ_id)
    return message, verified.signer_subject


def _answer_status(*, document_id: str, code: StatusCode, description: str,
                   agency: Agency | None, at: datetime.datetime) -> bytes:
    agency = agency or Agency.objects.filter(code=settings.ONESTOP_CITY_AGENCY_CODE).first()
    sender = organ_of(agency) if agency else Organ(settings.ONESTOP_CITY_AGENCY_CODE)
    status = Status(sender=sender, document_id=document_id, status_code=code,
                    description=description, timestamp=at)
    try:
        return signed_bytes(status, agency_code=sender.organ_id)
    except Exception:  # noqa: BLE001 — an answer is owed even by an agency without a key
        from ..edxml.build import build

        return build(status)


def _keep(*, data: bytes, kind: str = "", document_id: str = "", sender: str = "",
          outcome: str, agency: Agency | None = None, document: OfficialDocument | None = None,
          reason: str = "", detail: str = "", signer: str = "", status_code: str = "",
          business_type: int | None = None, at: datetime.datetime) -> ExchangeMessage:
    return ExchangeMessage.objects.create(
        direction=Direction.INCOMING, kind=kind, agency=agency, entry=document,
        document_id=document_id[:300], business_type=business_type, status_code=status_code,
        sender_organ_id=sender[:40], raw=data, sha256=hashlib.sha256(data).hexdigest(),
        outcome=outcome, refusal_reason=reason, refusal_detail=detail,
        signer_subject=signer[:500], at=at,
    )


def _refuse(data: bytes, error: EdxmlError, *, at: datetime.datetime,
            document_id: str = "", sender: str = "", kind: str = "",
            agency: Agency | None = None) -> Answer:
    with transaction.atomic():
        _keep(data=data, kind=kind, document_id=document_id, sender=sender,
              outcome=ExchangeMessage.Outcome.REFUSED, reason=str(error.reason),
              detail=str(error), agency=agency, at=at)
    body = _answer_status(document_id=document_id, code=StatusCode.REFUSED,
                          description=f"{error.reason}: {error}", agency=agency, at=at)
    return Answer(422, ExchangeMessage.Outcome.REFUSED, body)


def message_receive(*, data: bytes, at: datetime.datetime | None = None) -> Answer:
    at = now_or(at)
    try:
        message, signer = _check(data)
    except EdxmlError as exc:
        try:  # name the document in the 02 answer when the message can be read at all
            readable = parse(data, max_bytes=settings.ONESTOP_EDXML_MAX_BYTES)
            return _refuse(data, exc, at=at, document_id=readable.document_id,
                           sender=readable.sender.organ_id, kind=readable.kind)
        except EdxmlError:
            return _refuse(data, exc, at=at)
    if isinstance(message, Status):
        return _receive_status(data, message, signer=signer, at=at)
    return _receive_document(data, message, signer=signer, at=at)


def _receive_document(data: bytes, message: Document, *, signer: str,
                      at: datetime.datetime) -> Answer:
    codes = [organ.organ_id for organ in message.to if is_local(organ.organ_id)]
    agencies = list(Agency.objects.filter(code__in=codes).order_by("code"))
    if not agencies:
        error = EdxmlError(Reason.INVALID, _("None of the recipients is served here."))
        return _refuse(data, error, at=at, document_id=message.document_id,
                       sender=message.sender.organ_id, kind="document")
    outcome = ExchangeMessage.Outcome.DUPLICATE
    try:
        with transaction.atomic():
            for agency in agencies:
                if _enter(data, message, agency=agency, signer=signer, at=at):
                    outcome = ExchangeMessage.Outcome.ACCEPTED
    except IntegrityError:
        # The same message arrived twice at once and the other copy won: a duplicate.
        outcome = ExchangeMessage.Outcome.DUPLICATE
    if outcome == ExchangeMessage.Outcome.DUPLICATE:
        with transaction.atomic():
            _keep(data=data, kind="document", document_id=message.document_id,
                  sender=message.sender.organ_id, outcome=outcome, agency=agencies[0],
                  signer=signer, business_type=int(message.business_type), at=at)
    body = _answer_status(document_id=message.document_id, code=StatusCode.ARRIVED,
                          description="", agency=agencies[0], at=at)
    return Answer(200, outcome, body)


def _enter(data: bytes, message: Document, *, agency: Agency, signer: str,
           at: datetime.datetime) -> bool:
    """Enter the message in one agency's incoming register; False when it is already there."""
    key = {"agency": agency, "direction": Direction.INCOMING,
           "document_id": message.document_id, "business_type": int(message.business_type)}
    if OfficialDocument.objects.filter(**key).exists():
        return False
    related = None
    if message.business_type != BusinessType.NEW:
        related = (OfficialDocument.objects.filter(
            agency=agency, direction=Direction.INCOMING, business_type=0,
            document_id=message.related_document_id or message.document_id).first())
    document = OfficialDocument.objects.create(
        **key, state=DocState.RECEIVED, related=related,
        code_number=message.code_number[:20], code_notation=message.code_notation[:60],
        subject=message.subject, content=message.content,
        signer_name=message.signer.full_name[:200],
        signer_position=message.signer.position[:200], place=message.place[:200],
        promulgation_date=message.promulgation_date, due_date=message.due_date,
        priority=min(max(message.priority, 0), 3),
        sender_organ_id=message.sender.organ_id, sender_name=message.sender.organ_name[:255],
        recipients=[organ.short() for organ in message.to], note=message.business_reason,
    )
    save_attachments(document, message.attachments)
    hop = add_trace(data, organ_id=agency.code, at=at)  # this hop, for whoever reads it next
    _keep(data=hop, kind="document", document_id=message.document_id,
          sender=message.sender.organ_id, outcome=ExchangeMessage.Outcome.ACCEPTED,
          agency=agency, document=document, signer=signer,
          business_type=int(message.business_type), at=at)
    record(document=document, action=Action.RECEIVE, actor=None, from_state="", fields=[],
           at=at, data={"document_id": message.document_id, "from": message.sender.organ_id})
    return True


def _outgoing_for(status: Status) -> OfficialDocument | None:
    rows = OfficialDocument.objects.filter(
        agency__code=status.response_organ_id or status.document_id.split(",")[0],
        direction=Direction.OUTGOING, document_id=status.document_id,
    ).order_by("-business_type", "-id")
    if status.status_code in (StatusCode.AGREED, StatusCode.DECLINED):
        return rows.exclude(business_type=0).first()
    return rows.filter(business_type__in=[0, 3]).first() or rows.first()


def _receive_status(data: bytes, status: Status, *, signer: str,
                    at: datetime.datetime) -> Answer:
    document = _outgoing_for(status)
    if document is None:
        error = EdxmlError(Reason.INVALID, _("No document %(id)s was sent from here."),
                           id=status.document_id)
        return _refuse(data, error, at=at, document_id=status.document_id,
                       sender=status.sender.organ_id, kind="status")
    with transaction.atomic():
        _row, created = DocumentStatus.objects.get_or_create(
            document=document, organ_id=status.sender.organ_id,
            status_code=str(status.status_code),
            defaults={"organ_name": status.sender.organ_name[:255],
                      "description": status.description, "at": status.timestamp or at},
        )
        _keep(data=data, kind="status", document_id=status.document_id,
              sender=status.sender.organ_id, agency=document.agency, document=document,
              status_code=str(status.status_code), signer=signer, at=at,
              outcome=(ExchangeMessage.Outcome.ACCEPTED if created
                       else ExchangeMessage.Outcome.DUPLICATE))
        if created:
            audit_append(actor=None, action="exchange.document.status",
                         object_type="official_document", object_id=document.pk,
                         to_state=str(status.status_code), reason=status.description,
                         data={"from": status.sender.organ_id}, at=at)
            if status.status_code == StatusCode.AGREED and document.related_id:
                assert document.related is not None
                apply_change(original=document.related, change=document, actor=None, at=at)
    return Answer(200, "accepted" if created else "duplicate", b"ok\n", "text/plain")
