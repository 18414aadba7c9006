"""The electronic form (tờ khai điện tử): a version's declaration fields, checked and printed.

The fields are data of the procedure version (onestop.catalog.models.DeclarationField);
the rules that check a value, one per kind, are here, so the portal's form, the API and the
filing service check the same way. Values are stored as text (dates as YYYY-MM-DD) on the
dossier (Dossier.declaration), keyed by the field's key, and printed into a PDF filed as the
version's declaration document (RequiredDocument.electronic_form) for staff to open like any
submitted document.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.catalog.models import DeclarationField, ProcedureVersion
from onestop.core.errors import ValidationFailed
from onestop.core.identifiers import validate_cccd

Kind = DeclarationField.Kind
MAX_LENGTH = {Kind.TEXTAREA: 2000}
DEFAULT_MAX_LENGTH = 300
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def fields_of(version: ProcedureVersion) -> list[DeclarationField]:
    """The version's form fields in order, read once per version object."""
    cached: list[DeclarationField] | None = getattr(version, "_onestop_declaration", None)
    if cached is None:
        cached = list(version.declaration_fields.all())
        version._onestop_declaration = cached  # type: ignore[attr-defined]
    return cached


def has_electronic_form(version: ProcedureVersion) -> bool:
    return bool(fields_of(version))


def form_document_ids(version: ProcedureVersion) -> list[int]:
    """The required documents the electronic form stands for (the declaration)."""
    return [d.pk for d in version.documents.all() if d.electronic_form]


def _date(value: str) -> datetime.date:
    match = _DAY_MONTH_YEAR.match(value)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return datetime.date(year, month, day)
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(_("Enter a date as dd/mm/yyyy.")) from exc


def _clean_value(field: DeclarationField, value: str, *, today: datetime.date) -> str:
    if field.kind in (Kind.DATE, Kind.PAST_DATE):
        day = _date(value)
        if day.year < 1900:
            raise ValidationFailed(_("Enter a date as dd/mm/yyyy."))
        if field.kind == Kind.PAST_DATE and day > today:
            raise ValidationFailed(_("This date cannot be after today."))
        return day.isoformat()
    if field.kind == Kind.ID_NUMBER:
        return validate_cccd(re.sub(r"\s", "", value))
    if field.kind == Kind.NUMBER:
        if not value.isdigit() or len(value) > 9:
            raise ValidationFailed(_("Enter a whole number."))
        return str(int(value))
    if field.kind == Kind.CHOICE:
        if value not in field.choice_list():
            raise ValidationFailed(_("Choose one of the options given."))
        return value
    limit = MAX_LENGTH.get(Kind(field.kind), DEFAULT_MAX_LENGTH)
    if len(value) > limit:
        raise ValidationFailed(_("At most %(n)s characters."), n=limit)
    return value


@dataclass(frozen=True)
class Checked:
    values: dict[str, str]  # cleaned values of the known fields, empty optional ones as ""
    errors: dict[str, str]  # field key -> message

    @property
    def ok(self) -> bool:
        return not self.errors


def declaration_check(fields: Sequence[DeclarationField], data: Mapping[str, Any], *,
                      today: datetime.date) -> Checked:
    """Every field at once (so a form shows every problem together); unknown keys dropped."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field in fields:
        raw = data.get(field.key)
        value = "" if raw is None else str(raw).strip()
        if not value:
            if field.required:
                errors[field.key] = str(_("This field is required."))
            values[field.key] = ""
            continue
        try:
            values[field.key] = _clean_value(field, value, today=today)
        except ValidationFailed as exc:
            errors[field.key] = str(exc)
    return Checked(values=values, errors=errors)


def declaration_clean(version: ProcedureVersion, data: Mapping[str, Any], *,
                      today: datetime.date) -> dict[str, str]:
    """The cleaned declaration, or ValidationFailed naming each field with its problem."""
    fields = fields_of(version)
    if not fields:
        raise ValidationFailed(_("This procedure has no electronic form."))
    checked = declaration_check(fields, data, today=today)
    if not checked.ok:
        labels = {f.key: f.label for f in fields}
        raise ValidationFailed(_("The electronic form has errors: %(errors)s"),
                               errors="; ".join(f"{labels[k]}: {m}"
                                                for k, m in checked.errors.items()))
    return checked.values


def printable(value: str, kind: str) -> str:
    """A stored value as it reads on the PDF (dates as dd/mm/yyyy)."""
    if value and kind in (Kind.DATE, Kind.PAST_DATE):
        day = datetime.date.fromisoformat(value)
        return f"{day:%d/%m/%Y}"
    return value


def sections(fields: Sequence[DeclarationField],
             values: Mapping[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(section heading, [(label, printed value)])], in the fields' order."""
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for field in fields:
        row = (field.label, printable(values.get(field.key, ""), field.kind))
        if out and out[-1][0] == field.section:
            out[-1][1].append(row)
        else:
            out.append((field.section, [row]))
    return out
