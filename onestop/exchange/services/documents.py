"""Writes to the registers: send a document, register an incoming one, assign, finish;
revoke, update or replace a sent document and decide on such a request (QCVN 102:2016
business types 1–3, answered with status 15 agreed or 16 refused)."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency
from onestop.agencies.selectors import has_role
from onestop.core.errors import InvalidTransition, NotAllowed, ValidationFailed
from onestop.core.sequences import next_in_sequence

from ..edxml.model import (
    SUBJECT_MAX,
    BusinessType,
    Document,
    Organ,
    Signer,
    StatusCode,
    TraceHeader,
    document_id_for,
)
from ..edxml.model import Attachment as EdAttachment
from ..models import (
    Attachment,
    Direction,
    DocState,
    IncomingCounter,
    OfficialDocument,
)
from ..transitions import REPORTS, Action
from ._base import authorize, check_move, lock_document, now_or, record
from .outbox import organ_of, queue, report_status, signed_bytes


@dataclass(frozen=True)
class FileIn:
    name: str
    content_type: str
    data: bytes


def save_attachments(document: OfficialDocument, files: list[FileIn] | list[EdAttachment]) -> None:
    for item in files:
        digest = hashlib.sha256(item.data).hexdigest()
        row = Attachment(document=document, name=item.name[:255],
                         content_type=item.content_type[:120], sha256=digest,
                         size=len(item.data))
        row.file.save(item.name, ContentFile(item.data), save=False)
        row.save()


def _message_of(document: OfficialDocument, files: list[FileIn], *,
                related_document_id: str = "", reason: str = "",
                at: datetime.datetime) -> Document:
    return Document(
        sender=organ_of(document.agency),
        to=[Organ(r["organ_id"], r.get("organ_name", "")) for r in document.recipients],
        code_number=document.code_number, code_notation=document.code_notation,
        promulgation_date=document.promulgation_date, subject=document.subject,
        place=document.place, document_type=document.get_document_type_display(),
        content=document.content,
        signer=Signer(position=document.signer_position, full_name=document.signer_name),
        due_date=document.due_date, priority=document.priority,
        business_type=BusinessType(document.business_type), business_reason=reason,
        related_document_id=related_document_id, document_id=document.document_id,
        traces=[TraceHeader(organ_id=document.agency.code, timestamp=at)],
        attachments=[EdAttachment(name=f.name, content_type=f.content_type, data=f.data)
                     for f in files],
    )


def document_send(
    *, agency: Agency, actor: Any, recipients: list[Organ], code_number: str,
    code_notation: str, subject: str, promulgation_date: datetime.date,
    document_type: str = "cong_van", content: str = "", signer_name: str = "",
    signer_position: str = "", place: str = "", due_date: datetime.date | None = None,
    priority: int = 0, files: list[FileIn] | None = None, at: datetime.datetime | None = None,
    business_type: BusinessType = BusinessType.NEW, related: OfficialDocument | None = None,
    reason: str = "",
) -> OfficialDocument:
    """Enter a document in the agency's outgoing register and queue it to every recipient."""
    at = now_or(at)
    files = files or []
    if not recipients:
        raise ValidationFailed(_("Choose at least one recipient."))
    if not subject.strip() or len(subject) > SUBJECT_MAX:
        raise ValidationFailed(_("The subject is required and has at most %(limit)d characters."),
                               limit=SUBJECT_MAX)
    if not code_number.strip():
        raise ValidationFailed(_("The document number is required."))
    if actor is not None and not (has_role(user=actor, agency_id=agency.pk, role="clerk")
                                  or has_role(user=actor, agency_id=agency.pk, role="leader")):
        raise NotAllowed(_("Only the clerk or a leader of the agency sends its documents."))
    if business_type in (BusinessType.REVOKE, BusinessType.UPDATE):
        assert related is not None
        document_id = related.document_id  # the same document, another business
    else:
        document_id = document_id_for(agency.code, promulgation_date, code_number.strip(),
                                      code_notation.strip())
    with transaction.atomic():
        if OfficialDocument.objects.filter(agency=agency, direction=Direction.OUTGOING,
                                           document_id=document_id,
                                           business_type=int(business_type)).exists():
            raise ValidationFailed(_("The document %(id)s is already in the outgoing register."),
                                   id=document_id)
        document = OfficialDocument.objects.create(
            agency=agency, direction=Direction.OUTGOING, state=DocState.SENT,
            document_id=document_id, business_type=int(business_type), related=related,
            code_number=code_number.strip(), code_notation=code_notation.strip(),
            document_type=document_type, subject=subject.strip(), content=content,
            signer_name=signer_name, signer_position=signer_position, place=place,
            promulgation_date=promulgation_date, due_date=due_date, priority=priority,
            sender_organ_id=agency.code, sender_name=agency.name,
            recipients=[r.short() for r in recipients], note=reason,
        )
        save_attachments(document, files)
        message = _message_of(document, files, at=at, reason=reason,
                              related_document_id=related.document_id if related else "")
        data = signed_bytes(message, agency_code=agency.code)
        queue(data=data, message=message, agency=agency, document=document,
              recipients=[r.organ_id for r in recipients], at=at)
        record(document=document, action=Action.SEND, actor=actor, from_state="", fields=[],
               at=at, data={"document_id": document_id, "business_type": int(business_type)})
    return document


def document_change_request(*, document_pk: int, actor: Any, business_type: BusinessType,
                            reason: str, at: datetime.datetime | None = None,
                            **replacement: Any) -> OfficialDocument:
    """Ask the recipients to revoke (1), update (2) or replace (3) a sent document.

    An update sends the amended header (`replacement` holds the changed fields); a
    replacement sends a new document (its own number) that replaces this one.
    """
    original = OfficialDocument.objects.select_related("agency").get(pk=document_pk)
    if original.direction != Direction.OUTGOING or original.business_type != 0:
        raise InvalidTransition(_("Only a document this agency sent can be changed."))
    if original.state != DocState.SENT:
        raise InvalidTransition(_("This document was already revoked or replaced."))
    if business_type == BusinessType.NEW:
        raise ValidationFailed(_("Choose revocation, update or replacement."))
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for the change."))
    fields = {name: getattr(original, name) for name in (
        "code_number", "code_notation", "subject", "promulgation_date", "document_type",
        "content", "signer_name", "signer_position", "place", "due_date", "priority")}
    fields.update(replacement)
    files = fields.pop("files", None) or []
    return document_send(
        agency=original.agency, actor=actor, at=at,
        recipients=[Organ(r["organ_id"], r.get("organ_name", "")) for r in original.recipients],
        files=files, business_type=business_type, related=original, reason=reason.strip(),
        **fields,
    )


def _incoming_number(document: OfficialDocument, at: datetime.datetime) -> None:
    year = at.astimezone(datetime.UTC).year
    document.incoming_year = year
    document.incoming_number = next_in_sequence(IncomingCounter, agency=document.agency,
                                                year=year)


def _staff_name(actor: Any) -> str:
    return (actor.get_full_name() or actor.get_username()) if actor is not None else ""


def _apply(*, document: OfficialDocument, action: Action, to: DocState, actor: Any,
           at: datetime.datetime, fields: list[str], reason: str) -> None:
    """Write the new state (an incoming number on registration, the end on done), audit it."""
    was = document.state
    document.state = to
    names = [*fields, "state"]
    if action == Action.REGISTER:
        _incoming_number(document, at)
        document.registered_at, document.registered_by = at, actor
        names += ["incoming_year", "incoming_number", "registered_at", "registered_by"]
    if to == DocState.DONE:
        document.done_at = at
        names.append("done_at")
    record(document=document, action=action, actor=actor, from_state=was, fields=names,
           at=at, reason=reason)


def _move(*, document_pk: int, action: Action, actor: Any, at: datetime.datetime | None,
          expected_version: int | None, fields: dict[str, Any], reason: str = "",
          description: str = "") -> OfficialDocument:
    at = now_or(at)
    with transaction.atomic():
        document = lock_document(document_id=document_pk, expected_version=expected_version)
        if document.direction != Direction.INCOMING:
            raise InvalidTransition(_("Only incoming documents are registered and assigned."))
        to = check_move(action=action, document=document)
        authorize(action=action, document=document, user=actor)
        for name, value in fields.items():
            setattr(document, name, value)
        _apply(document=document, action=action, to=to, actor=actor, at=at,
               fields=list(fields), reason=reason)
        if action in REPORTS:
            report_status(document=document, code=REPORTS[action], at=at,
                          description=description or reason, staff=_staff_name(actor))
    return document


def document_register(*, document_pk: int, actor: Any, at: datetime.datetime | None = None,
                      expected_version: int | None = None, note: str = "") -> OfficialDocument:
    """The clerk enters an arrived document in the incoming register (number per year)."""
    document = OfficialDocument.objects.get(pk=document_pk)
    if document.business_type == BusinessType.REPLACE and document.related_id:
        return document_change_decide(document_pk=document_pk, actor=actor, agree=True, at=at,
                                      note=note)
    if document.business_type in (BusinessType.REVOKE, BusinessType.UPDATE):
        raise InvalidTransition(_("A revocation or update is decided by a leader, not "
                                  "registered."))
    return _move(document_pk=document_pk, action=Action.REGISTER, actor=actor, at=at,
                 expected_version=expected_version, fields={"note": note} if note else {})


def document_refuse(*, document_pk: int, actor: Any, reason: str,
                    at: datetime.datetime | None = None,
                    expected_version: int | None = None) -> OfficialDocument:
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for refusing the document."))
    return _move(document_pk=document_pk, action=Action.REFUSE, actor=actor, at=at,
                 expected_version=expected_version, fields={}, reason=reason.strip())


def document_assign(*, document_pk: int, actor: Any, department: Agency, assignee: Any,
                    at: datetime.datetime | None = None, expected_version: int | None = None,
                    note: str = "") -> OfficialDocument:
    """A leader gives a registered document to a department and a person to handle."""
    if not (has_role(user=assignee, agency_id=department.pk, role="specialist")
            or has_role(user=assignee, agency_id=department.pk, role="leader")):
        raise ValidationFailed(_("%(person)s does not work in %(department)s."),
                               person=_staff_name(assignee), department=department.name)
    return _move(document_pk=document_pk, action=Action.ASSIGN, actor=actor, at=at,
                 expected_version=expected_version,
                 fields={"department": department, "assignee": assignee},
                 description=f"{department.name}: {_staff_name(assignee)}", reason=note)


def document_start(*, document_pk: int, actor: Any, at: datetime.datetime | None = None,
                   expected_version: int | None = None) -> OfficialDocument:
    return _move(document_pk=document_pk, action=Action.START, actor=actor, at=at,
                 expected_version=expected_version, fields={})


def document_finish(*, document_pk: int, actor: Any, note: str = "",
                    at: datetime.datetime | None = None,
                    expected_version: int | None = None) -> OfficialDocument:
    return _move(document_pk=document_pk, action=Action.FINISH, actor=actor, at=at,
                 expected_version=expected_version, fields={"note": note} if note else {},
                 reason=note)


_UPDATABLE = ("subject", "content", "due_date", "priority", "signer_name", "signer_position",
              "place", "document_type")


def apply_change(*, original: OfficialDocument, change: OfficialDocument, actor: Any,
                 at: datetime.datetime) -> None:
    """What an agreed change does to the document it concerns (either register)."""
    original = lock_document(document_id=original.pk)
    was = original.state
    if change.business_type == BusinessType.UPDATE:
        for name in _UPDATABLE:
            setattr(original, name, getattr(change, name))
        record(document=original, action=Action.AGREE_CHANGE, actor=actor, from_state=was,
               fields=list(_UPDATABLE), at=at, reason=change.note,
               data={"change": change.pk})
        return
    action = Action.REVOKE if change.business_type == BusinessType.REVOKE else Action.REPLACE
    original.state = check_move(action=action, document=original)
    record(document=original, action=action, actor=actor, from_state=was, fields=["state"],
           at=at, reason=change.note, data={"change": change.pk})


def document_change_decide(*, document_pk: int, actor: Any, agree: bool, note: str = "",
                           at: datetime.datetime | None = None) -> OfficialDocument:
    """A leader (or, for a replacement, the clerk registering it) agrees (15) or refuses (16)
    a revocation, update or replacement the sender asked for."""
    at = now_or(at)
    with transaction.atomic():
        change = lock_document(document_id=document_pk)
        if change.direction != Direction.INCOMING or change.business_type == 0:
            raise InvalidTransition(_("This is not a revocation, update or replacement."))
        action = Action.AGREE_CHANGE if agree else Action.DECLINE_CHANGE
        if change.business_type == BusinessType.REPLACE and agree:
            action = Action.REGISTER  # the replacement enters the register in its place
        to = check_move(action=action, document=change)
        if change.business_type == BusinessType.REPLACE and agree:
            if not (has_role(user=actor, agency_id=change.agency_id, role="clerk")
                    or has_role(user=actor, agency_id=change.agency_id, role="leader")):
                raise NotAllowed()
        else:
            authorize(action=action, document=change, user=actor)
        _apply(document=change, action=action, to=to, actor=actor, at=at, fields=[],
               reason=note)
        if agree and change.related_id:
            assert change.related is not None
            apply_change(original=change.related, change=change, actor=actor, at=at)
        report_status(document=change, code=StatusCode.AGREED if agree else StatusCode.DECLINED,
                      at=at, description=note, staff=_staff_name(actor))
    return change
