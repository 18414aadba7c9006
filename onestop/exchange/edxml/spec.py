"""The JSON shape of `onestop edxml read` / `write` (the issue fixes the fields) ↔ messages.

`write` takes the object `read` prints, with each attachment given by `path` (relative to
the spec file) instead of its hash; optional extra keys fill the rest of the header.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from .errors import EdxmlError, Reason
from .model import Attachment, BusinessType, Document, Organ, Signer, Status, StatusCode


def _bad(field: str, detail: object) -> EdxmlError:
    return EdxmlError(Reason.INVALID, _("The spec field “%(field)s” is not valid: %(detail)s"),
                      field=field, detail=detail)


def _str(spec: dict[str, Any], key: str, *, required: bool = False) -> str:
    value = spec.get(key, "")
    if not isinstance(value, str):
        raise _bad(key, _("a text is expected"))
    if required and not value.strip():
        raise _bad(key, _("it is required"))
    return value.strip()


def _organ(value: Any, key: str) -> Organ:
    if not isinstance(value, dict):
        raise _bad(key, _("an object with organ_id and organ_name is expected"))
    return Organ(organ_id=_str(value, "organ_id", required=True),
                 organ_name=_str(value, "organ_name"))


def _date(value: Any, key: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise _bad(key, _("a date YYYY-MM-DD is expected")) from exc


def message_from_spec(spec: Any, *, base: Path) -> Document | Status:
    if not isinstance(spec, dict):
        raise _bad("(root)", _("a JSON object is expected"))
    kind = spec.get("kind", "document")
    sender = _organ(spec.get("from"), "from")
    if kind == "status":
        code = _str(spec, "status_code", required=True)
        try:
            status_code = StatusCode(code)
        except ValueError as exc:
            raise _bad("status_code", code) from exc
        return Status(sender=sender, document_id=_str(spec, "document_id", required=True),
                      status_code=status_code, description=_str(spec, "description"),
                      timestamp=datetime.datetime.now(datetime.UTC))
    if kind != "document":
        raise _bad("kind", kind)
    recipients = spec.get("to")
    if not isinstance(recipients, list) or not recipients:
        raise _bad("to", _("a list of at least one recipient is expected"))
    attachments = []
    for index, item in enumerate(spec.get("attachments") or []):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise _bad(f"attachments[{index}]", _("an object with a path is expected"))
        path = (base / item["path"]).resolve()
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise _bad(f"attachments[{index}].path", exc.strerror or str(exc)) from exc
        attachments.append(Attachment(
            name=_str(item, "name") or path.name,
            content_type=_str(item, "content_type") or "application/octet-stream",
            data=data, zipped=bool(item.get("zip", False)),
        ))
    try:
        business = BusinessType(int(spec.get("business_type", 0)))
    except (TypeError, ValueError) as exc:
        raise _bad("business_type", spec.get("business_type")) from exc
    signer = spec.get("signer") or {}
    if not isinstance(signer, dict):
        raise _bad("signer", _("an object is expected"))
    return Document(
        sender=sender,
        to=[_organ(item, f"to[{i}]") for i, item in enumerate(recipients)],
        code_number=_str(spec, "code_number", required=True),
        code_notation=_str(spec, "code_notation"),
        promulgation_date=_date(spec.get("promulgation_date"), "promulgation_date"),
        subject=_str(spec, "subject", required=True),
        place=_str(spec, "place"),
        document_type=_str(spec, "document_type"),
        content=_str(spec, "content"),
        signer=Signer(position=_str(signer, "position"), full_name=_str(signer, "full_name")),
        due_date=_date(spec["due_date"], "due_date") if spec.get("due_date") else None,
        business_type=business,
        business_reason=_str(spec, "business_reason"),
        related_document_id=_str(spec, "related_document_id"),
        document_id=_str(spec, "document_id"),
        attachments=attachments,
    )
