"""The platform's own error pages (400, 403, 404, 500), translated, each with a way back.

Django's handlers (`handler400` … in onestop/urls.py) and DomainErrorMiddleware both answer
through `error_page`, so a Django Http404, a PermissionDenied and a NotFound a selector
raised look the same. A staff path keeps the back office's frame; any other the portal's.
The 500 page renders without the request: no context processor (no database) runs when
the server is already failing.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

TEMPLATES = {400: "400.html", 403: "403.html", 404: "404.html", 409: "400.html"}


def _base(request: HttpRequest) -> str:
    return "backoffice/base.html" if request.path.startswith("/backoffice/") else "portal/base.html"


def error_page(request: HttpRequest, status: int, *, message: str = "") -> HttpResponse:
    """`message` is shown on the page: pass only translated, user-safe text (a DomainError's)."""
    return render(request, TEMPLATES.get(status, "400.html"), {
        "base": _base(request), "message": message, "status": status,
        "staff_path": request.path.startswith("/backoffice/"),
    }, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Http404's own text (often English, sometimes a model name) is never shown.
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"staff_path": request.path.startswith("/backoffice/")}
    return HttpResponseServerError(loader.get_template("500.html").render(context))
