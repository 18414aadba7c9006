"""Language choice for web pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
