"""The project's URLs plus ``/perf/bare/``: the cheapest Django response, the HTTP baseline."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    """Runs the same middleware stack as every page but touches no database and no template."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("perf/bare/", bare, name="perf-bare"),
    path("", include("onestop.urls")),
]
