"""Language choice and domain errors for web pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .error_pages import error_page
from .errors import DomainError


class VietnameseByDefaultMiddleware:
    """Web pages speak Vietnamese unless the visitor picks English with the switcher.

    Many citizens' phones are set to English; following the browser's Accept-Language
    would show them an English portal they never asked for. An explicit choice (the
    language cookie set by /i18n/setlang/) still wins. JSON APIs under /api/ keep honouring
    Accept-Language, as API clients set it on purpose. Must sit before LocaleMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class DomainErrorMiddleware:
    """Pages answer a DomainError that a selector or service raised with the site's error
    page for its status (404 for NotFound, 403 for NotAllowed, 400/409 otherwise), showing
    its translated message.

    Page views catch the DomainErrors they can show on the page (a form error, a message)
    and answer with the error's status; whatever escapes ends the page here, once for the
    portal and the back office. The API has its own handlers (onestop.api.base).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest,
                          exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError) and not request.path.startswith("/api/"):
            return error_page(request, exception.http_status, message=str(exception))
        return None
