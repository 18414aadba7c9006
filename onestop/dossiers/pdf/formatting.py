"""How dates, times and quantities are written on the printed forms.

The forms are official Vietnamese documents (Decree 30/2020/NĐ-CP, Circular 03/2025/TT-VPCP):
their wording is fixed Vietnamese, not a translation of the interface, so these helpers
return Vietnamese text whatever language the staff member's screen uses. Every moment is
shown in Vietnam time, whatever the server's or the request's time zone.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        raise ValueError("aware datetimes only")
    return moment.astimezone(VN_TZ)


def date_words(moment: datetime.datetime | datetime.date) -> str:
    """'ngày 02 tháng 03 năm 2026'.

    Day and month are always two digits, as on the receipt slips the centres print (the
    project's chosen style; Decree 30 strictly pads only days below 10 and months 1 and 2).
    """
    day = local(moment).date() if isinstance(moment, datetime.datetime) else moment
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def place_date(moment: datetime.datetime | datetime.date) -> str:
    """The place-and-date line at the top right: 'Cần Thơ, ngày 02 tháng 03 năm 2026'."""
    return f"{settings.ONESTOP_CITY_PLACE}, {date_words(moment)}"


def time_words(moment: datetime.datetime) -> str:
    """'08 giờ 00 phút, ngày 05 tháng 03 năm 2026' (Circular 03/2025 form 01 wording)."""
    at = local(moment)
    return f"{at.hour:02d} giờ {at.minute:02d} phút, {date_words(at)}"


def short_moment(moment: datetime.datetime | None) -> str:
    """'08:00 02/03/2026' for narrow table cells (form 06); empty when not happened yet."""
    if moment is None:
        return ""
    return f"{local(moment):%H:%M %d/%m/%Y}"


def working_days(days: Decimal) -> str:
    """A legal processing time in working days with a decimal comma: 3, 0,5, 1,25."""
    text = format(days.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def two_digits(count: int) -> str:
    """Quantities on the forms are written with two digits: '01 bộ', '02 bản'."""
    return f"{count:02d}"


def public_lookup_url(code: str) -> str:
    """The citizen lookup page of one dossier, printed as a QR code on the receipt (form 01).

    Absolute, from settings.PUBLIC_BASE_URL, because it is read off paper by a phone.
    """
    if not code:
        raise ValueError("only a received dossier (with a code) can be looked up")
    return f"{settings.PUBLIC_BASE_URL}/tra-cuu/?{urlencode({'code': code})}"
