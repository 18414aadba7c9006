"""The project's URLs plus a bare ninja endpoint on the same server (perf/bench_api.py)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import include, path
from ninja import NinjaAPI

bare_api = NinjaAPI(urls_namespace="perf-bare-api", docs_url=None, openapi_url=None)


@bare_api.get("/bare")
def bare(request: HttpRequest) -> dict[str, str]:
    """Through the full middleware stack and ninja, no database: the baseline."""
    return {"ok": "ok"}


urlpatterns = [
    path("perf/api/", bare_api.urls),
    path("", include("onestop.urls")),
]
