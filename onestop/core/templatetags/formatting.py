"""`{% load formatting %}`: money, moments and working days on pages, as on printed documents.

The filters call onestop.core.formatting. Where the interface follows the page's language,
so do they: Vietnamese groups thousands with dots and writes a decimal comma (1.500.000
đồng, 0,5), English with commas and a decimal point (1,500,000 VND, 0.5). Moments are always
shown in Vietnam time.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from onestop.core import formatting

register = template.Library()


def _vietnamese() -> bool:
    return (get_language() or "vi").startswith("vi")


def _grouped(value: int) -> str:
    return formatting.digits(value) if _vietnamese() else f"{value:,}"


@register.filter
def vnd(amount: int | None) -> str:
    """An integer amount of đồng with thousands separators: 1.500.000 đ (1,500,000 VND)."""
    if amount is None or amount == "":
        return ""
    return _("%(amount)s VND") % {"amount": _grouped(int(amount))}


@register.filter
def vnd_digits(amount: int | None) -> str:
    """The digits alone, grouped: 1.500.000 (a table column headed in đồng)."""
    if amount is None or amount == "":
        return ""
    return _grouped(int(amount))


@register.filter
def vnd_words(amount: int | None) -> str:
    """The amount in Vietnamese words, as under an amount on a receipt."""
    if amount is None or amount == "":
        return ""
    return formatting.in_words(int(amount))


@register.filter
def working_days(days: Decimal | None) -> str:
    """3.00 → "3", 0.50 → "0,5" (a decimal comma in Vietnamese)."""
    if days is None:
        return ""
    text = formatting.working_days(Decimal(days))
    return text if _vietnamese() else text.replace(",", ".")


@register.filter
def moment(value: datetime.datetime | None) -> str:
    """'08:00 02/03/2026' in Vietnam time; empty for none (so |default works)."""
    if not isinstance(value, datetime.datetime):
        return ""
    return formatting.short_moment(value)


@register.filter
def day(value: datetime.date | datetime.datetime | None) -> str:
    """'02/03/2026' (the day in Vietnam of a moment); empty for none."""
    if not isinstance(value, datetime.date):
        return ""
    return formatting.short_date(value)
