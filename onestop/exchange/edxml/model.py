"""The edXML message as plain data: a document (văn bản) or a status (trạng thái).

Field names follow QCVN 102:2016 (docs/domain.md §10) in snake case. These classes know nothing of
XML or of the database: `build.py` writes them, `parse.py` reads them, the services store
them.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

# QCVN 102:2016 namespace; real messages bind it both as the default and as `edXML:`.
EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
# Status messages of the national platform travel in a SOAP envelope.
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
XLINK_NS = "http://www.w3.org/1999/xlink"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"

SUBJECT_MAX = 500  # QCVN 102:2016: Subject at most 500 characters
DATE_FORMAT = "%Y/%m/%d"  # PromulgationDate, DueDate
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"  # TraceHeader/Timestamp, status Timestamp


class BusinessType(IntEnum):
    """Bussiness/BussinessDocType (QCVN 102:2016): what a sent document does."""

    NEW = 0
    REVOKE = 1
    UPDATE = 2
    REPLACE = 3


BUSINESS_LABELS = {
    BusinessType.NEW: _("new document"),
    BusinessType.REVOKE: _("revocation"),
    BusinessType.UPDATE: _("update"),
    BusinessType.REPLACE: _("replacement"),
}


class StatusCode(StrEnum):
    """StatusCode of a status message answering a document (QCVN 102:2016)."""

    ARRIVED = "01"
    REFUSED = "02"
    ACCEPTED = "03"
    ASSIGNED = "04"
    IN_PROCESS = "05"
    DONE = "06"
    RECALLED = "13"
    AGREED = "15"  # update / revocation agreed
    DECLINED = "16"  # update / revocation refused


STATUS_LABELS = {
    StatusCode.ARRIVED: _("arrived"),
    StatusCode.REFUSED: _("refused"),
    StatusCode.ACCEPTED: _("accepted"),
    StatusCode.ASSIGNED: _("assigned"),
    StatusCode.IN_PROCESS: _("in process"),
    StatusCode.DONE: _("done"),
    StatusCode.RECALLED: _("recalled"),
    StatusCode.AGREED: _("update or revocation agreed"),
    StatusCode.DECLINED: _("update or revocation refused"),
}


@dataclass(frozen=True)
class Organ:
    """From / To / ResponseFor party. Only OrganId is required."""

    organ_id: str
    organ_name: str = ""
    organization_in_charge: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""

    def short(self) -> dict[str, str]:
        return {"organ_id": self.organ_id, "organ_name": self.organ_name}


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes  # the file itself (unzipped when the sender zipped it for transport)
    content_id: str = ""
    description: str = ""
    zipped: bool = False  # send it as a ZIP holding the file, as the national SDK does

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class TraceHeader:
    """One hop: the organ that handled the message and when."""

    organ_id: str
    timestamp: datetime.datetime  # aware


@dataclass(frozen=True)
class Signer:
    competence: str = ""
    position: str = ""
    full_name: str = ""


def document_id_for(organ_id: str, date: datetime.date, code_number: str,
                    code_notation: str) -> str:
    """DocumentId `{sender OrganId},{YYYY/MM/DD},{number/notation}` (QCVN 102:2016)."""
    code = f"{code_number}/{code_notation}" if code_notation else code_number
    return f"{organ_id},{date.strftime(DATE_FORMAT)},{code}"


def split_document_id(document_id: str) -> tuple[str, datetime.date | None, str]:
    """(organ id, date, code) of a DocumentId; ("", None, "") parts when it is not in the form."""
    parts = document_id.split(",", 2)
    if len(parts) != 3:
        return "", None, ""
    try:
        date = datetime.datetime.strptime(parts[1].strip(), DATE_FORMAT).date()
    except ValueError:
        date = None
    return parts[0].strip(), date, parts[2].strip()


@dataclass
class Document:
    """A sent official document (văn bản điện tử)."""

    sender: Organ
    to: list[Organ]
    code_number: str
    code_notation: str
    promulgation_date: datetime.date
    subject: str
    place: str = ""
    document_type: str = ""  # DocumentType/TypeName, e.g. "Công văn"
    document_type_code: str = ""  # DocumentType/Type
    content: str = ""
    signer: Signer = field(default_factory=Signer)
    due_date: datetime.date | None = None
    priority: int = 0  # OtherInfo/Priority: 0 ordinary, 1 urgent, 2 very urgent, …
    steering_type: int = 0
    to_places: list[str] = field(default_factory=list)
    business_type: BusinessType = BusinessType.NEW
    business_reason: str = ""
    # The document a revocation/update/replacement concerns (its DocumentId).
    related_document_id: str = ""
    document_id: str = ""
    traces: list[TraceHeader] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    signed: bool = False  # set by the parser when a ds:Signature is present

    kind = "document"

    def __post_init__(self) -> None:
        if not self.document_id:
            self.document_id = document_id_for(
                self.sender.organ_id, self.promulgation_date, self.code_number,
                self.code_notation,
            )

    def summary(self) -> dict[str, Any]:
        """The JSON object `onestop edxml read` prints (the issue fixes these fields)."""
        return {
            "kind": "document",
            "document_id": self.document_id,
            "from": self.sender.short(),
            "to": [organ.short() for organ in self.to],
            "code_number": self.code_number,
            "code_notation": self.code_notation,
            "promulgation_date": self.promulgation_date.isoformat(),
            "subject": self.subject,
            "business_type": int(self.business_type),
            "attachments": [
                {"name": a.name, "content_type": a.content_type, "sha256": a.sha256}
                for a in self.attachments
            ],
        }


@dataclass
class Status:
    """A status message answering a document through ResponseFor."""

    sender: Organ
    document_id: str  # the answered document's DocumentId
    status_code: StatusCode
    description: str = ""
    timestamp: datetime.datetime | None = None
    response_organ_id: str = ""  # ResponseFor/OrganId: the answered document's sender
    response_code: str = ""  # ResponseFor/Code: number/notation
    response_date: datetime.date | None = None  # ResponseFor/PromulgationDate
    department: str = ""  # StaffInfo
    staff: str = ""
    signed: bool = False

    kind = "status"

    def __post_init__(self) -> None:
        organ, date, code = split_document_id(self.document_id)
        self.response_organ_id = self.response_organ_id or organ
        self.response_code = self.response_code or code
        self.response_date = self.response_date or date

    def summary(self) -> dict[str, Any]:
        return {
            "kind": "status",
            "document_id": self.document_id,
            "from": self.sender.short(),
            "status_code": str(self.status_code),
            "description": self.description,
        }


Message = Document | Status
