"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def demo_banner(request: HttpRequest) -> dict[str, Any]:
    """DEMO_MODE: base templates show a "demo data" banner when it is true.

    `onestop demo` sets ONESTOP_DEMO=1, so nobody mistakes the fictitious dossiers and
    accounts for a real service.
    """
    return {"DEMO_MODE": bool(settings.ONESTOP_DEMO)}
