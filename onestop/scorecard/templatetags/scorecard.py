from __future__ import annotations

from typing import Any

from django import template

from onestop.scorecard.tables import Link

register = template.Library()


@register.filter
def is_link(value: Any) -> bool:
    return isinstance(value, Link)
