"""How onestop writes money, dates and working days, for pages and printed documents alike.

- Money: integer đồng everywhere (never floats, never Decimal cents: the đồng has no minor
  unit in use), digits grouped with dots (1.200.000), amounts in words for receipts.
- Moments: always in Vietnam time, whatever the server's or the request's time zone; the
  official wording of forms and receipts ("ngày 02 tháng 03 năm 2026", "08 giờ 00 phút") is
  fixed Vietnamese (Decree 30/2020/NĐ-CP, Circular 03/2025/TT-VPCP), not a translation of
  the interface.
- Working days: a decimal comma (0,5).

Pages use the same functions through the template filters of `{% load formatting %}`
(onestop/core/templatetags/formatting.py), which follow the page's language where the
interface does (English groups thousands with commas).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# ---- money -------------------------------------------------------------------------------

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUPS = ("", "nghìn", "triệu")  # then "tỷ", read recursively: 1 200 tỷ
BILLION = 1_000_000_000


def digits(amount: int) -> str:
    """'120.000': Vietnamese groups thousands with dots."""
    _check(amount)
    return f"{amount:,}".replace(",", ".")


def _check(amount: int) -> None:
    if type(amount) is not int or amount < 0:
        raise ValueError("amounts are non-negative whole numbers of đồng")


def _triple(n: int, *, leading: bool) -> list[str]:
    """Words of 0 < n < 1000; a group after the first always says its hundreds."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or not leading:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append("linh")
            words.append(_DIGITS[units])
        return words
    words.append("mười" if tens == 1 else f"{_DIGITS[tens]} mươi")
    if units == 1:
        words.append("một" if tens == 1 else "mốt")
    elif units == 4 and tens > 1:
        words.append("tư")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _below_billion(n: int, *, leading: bool) -> list[str]:
    words: list[str] = []
    for power in (2, 1, 0):
        value = n // 1000**power % 1000
        if value == 0:
            continue
        words += _triple(value, leading=leading and not words)
        if _GROUPS[power]:
            words.append(_GROUPS[power])
    return words


def _read(n: int, *, leading: bool) -> list[str]:
    if n < BILLION:
        return _below_billion(n, leading=leading)
    high, low = divmod(n, BILLION)
    words = [*_read(high, leading=leading), "tỷ"]
    return words + (_below_billion(low, leading=False) if low else [])


def in_words(amount: int) -> str:
    """'Một trăm hai mươi nghìn đồng' for 120000: the line written under amounts on receipts."""
    _check(amount)
    if amount == 0:
        return "Không đồng"
    text = " ".join(_read(amount, leading=True)) + " đồng"
    return text[0].upper() + text[1:]


# ---- moments ------------------------------------------------------------------------------

def local(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        raise ValueError("aware datetimes only")
    return moment.astimezone(VN_TZ)


def date_words(moment: datetime.datetime | datetime.date) -> str:
    """'ngày 02 tháng 3 năm 2026', 'ngày 15 tháng 01 năm 2026'.

    Decree 30/2020/NĐ-CP Appendix I: days below 10 and the months 1 and 2 take a leading
    zero; the other months do not.
    """
    day = local(moment).date() if isinstance(moment, datetime.datetime) else moment
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date(moment: datetime.datetime | datetime.date, place: str | None = None) -> str:
    """The place-and-date line at the top right: 'Ninh Kiều, ngày 02 tháng 3 năm 2026'.

    The place is the issuer's own (onestop.agencies.documents.place_of); the city's by
    default.
    """
    return f"{place or settings.ONESTOP_CITY_PLACE}, {date_words(moment)}"


def time_words(moment: datetime.datetime) -> str:
    """'08 giờ 00 phút, ngày 05 tháng 03 năm 2026' (Circular 03/2025 form 01 wording)."""
    at = local(moment)
    return f"{at.hour:02d} giờ {at.minute:02d} phút, {date_words(at)}"


def short_moment(moment: datetime.datetime | None) -> str:
    """'08:00 02/03/2026': a moment in a table cell or a list; empty when not happened yet."""
    if moment is None:
        return ""
    return f"{local(moment):%H:%M %d/%m/%Y}"


def short_date(day: datetime.date | datetime.datetime | None) -> str:
    """'02/03/2026' (the day in Vietnam of a moment); empty for none."""
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = local(day).date()
    return f"{day:%d/%m/%Y}"


# ---- working days -------------------------------------------------------------------------

def working_days(days: Decimal) -> str:
    """A legal processing time in working days with a decimal comma: 3, 0,5, 1,25."""
    text = format(days.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


# ---- decimals in the active language ------------------------------------------------------

def decimal_text(value: Decimal | int, places: int = 2) -> str:
    """A figure in the active language's own way: decimal comma and dot thousands in
    Vietnamese (1.234,56), the reverse in English (1,234.56). Whole numbers keep no
    decimals; others show `places` of them."""
    from django.utils.formats import get_format

    number = Decimal(value)
    whole = number == number.to_integral()
    text = format(abs(number) if whole else abs(number).quantize(Decimal(1).scaleb(-places)),
                  "f")
    head, _dot, tail = text.partition(".")
    groups: list[str] = []
    while len(head) > 3:
        groups.insert(0, head[-3:])
        head = head[:-3]
    groups.insert(0, head)
    out = str(get_format("THOUSAND_SEPARATOR")).join(groups)
    if tail and not whole:
        out += str(get_format("DECIMAL_SEPARATOR")) + tail
    return ("-" if number < 0 else "") + out


def percent_text(value: Decimal | int) -> str:
    """A rate as a percentage in the active language: 92,61 % (vi), 92.61 % (en)."""
    return f"{decimal_text(value)} %"
