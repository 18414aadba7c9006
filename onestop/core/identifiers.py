"""National identifiers: validation with translated messages."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed

_CCCD = re.compile(r"^\d{12}$")


def validate_cccd(value: str) -> str:
    """Căn cước công dân: 12 digits = 3-digit province of birth registration, 1 digit for
    sex and century (0/1: 1900s, 2/3: 2000s, 4/5: 2100s), 2 digits of the birth year,
    6 random digits (Decree 137/2015/NĐ-CP as amended; docs/domain.md §4)."""
    value = value.strip()
    if not _CCCD.match(value):
        raise ValidationFailed(_("A personal identification number has exactly 12 digits."))
    province = int(value[:3])
    if province == 0 or province > 96:
        raise ValidationFailed(_("The first three digits of a personal identification "
                                 "number are a province code."))
    if value[3] not in "012345":
        raise ValidationFailed(_("The fourth digit of a personal identification number "
                                 "gives sex and century (0–5)."))
    return value


_TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")


def normalise_tax_code(value: str) -> str:
    """An enterprise code (mã số doanh nghiệp), which is its tax code: 10 digits, a branch or
    dependent unit adds "-NNN" (Law on Enterprises 2020 Art. 29; Law on Tax Administration
    2019 Art. 30; docs/domain.md §13). Spaces are dropped; the check digit is not verified
    (its algorithm is not published in a source we could confirm: docs/legal-rules.md)."""
    compact = re.sub(r"\s", "", value or "")
    if len(compact) == 13 and compact.isdigit():
        compact = f"{compact[:10]}-{compact[10:]}"
    if not _TAX_CODE.match(compact):
        raise ValidationFailed(_("An enterprise (tax) code has 10 digits, and a branch adds "
                                 "“-” and 3 digits (e.g. 1800123456-001)."))
    return compact
