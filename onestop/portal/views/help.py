"""/tro-giup/: where the centres are, when they open, whom to call, and a short FAQ."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onestop.agencies.models import Agency
from onestop.catalog import selectors as cat


def hotline(centres: list[Agency] | None = None) -> str:
    """ONESTOP_HOTLINE, or the city centre's own phone."""
    if settings.ONESTOP_HOTLINE:
        return str(settings.ONESTOP_HOTLINE)
    centres = cat.receiving_centres() if centres is None else centres
    return next((c.phone for c in centres
                 if c.kind == Agency.Kind.SERVICE_CENTRE and c.phone), "")


def help_page(request: HttpRequest) -> HttpResponse:
    centres = cat.receiving_centres()
    return render(request, "portal/help.html", {
        "centres": centres, "hotline": hotline(centres), "nav": "help"})
