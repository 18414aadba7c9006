"""Display helpers for the portal: money in integer VND, working days, file sizes."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


def _grouped(value: int) -> str:
    text = f"{value:,}"
    # Vietnamese groups thousands with dots (8.000 đồng), English with commas (8,000).
    return text.replace(",", ".") if (get_language() or "vi").startswith("vi") else text


@register.filter
def vnd(amount: int | None) -> str:
    """An integer amount of đồng with thousands separators: 1.500.000 đồng."""
    if amount is None:
        return ""
    return _("%(amount)s VND") % {"amount": _grouped(int(amount))}


@register.filter
def working_days(days: Decimal | None) -> str:
    """3.00 → "3", 0.50 → "0,5" (a decimal comma in Vietnamese)."""
    if days is None:
        return ""
    text = format(Decimal(days).normalize(), "f")
    if (get_language() or "vi").startswith("vi"):
        text = text.replace(".", ",")
    return text
