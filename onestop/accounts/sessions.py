"""Session rules: staff and citizens never share them.

Staff sessions end when the browser closes and after ONESTOP_STAFF_IDLE_SECONDS (8 h) without
a request: back-office computers are shared at the counter. Citizens stay signed in for
ONESTOP_CITIZEN_SESSION_DAYS (14) on their own phone, so tracking a dossier needs no
password every time. The rule is chosen at sign-in from the account (User.is_citizen),
whatever page was used, and stored in the session so each request needs no query.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest, HttpResponse

AUDIENCE_KEY = "onestop_audience"
LAST_SEEN_KEY = "onestop_last_seen"
CITIZEN, STAFF = "citizen", "staff"
# Write the "last seen" moment at most this often: not one session save per request.
TOUCH_EVERY_SECONDS = 60


def apply_session_rules(request: HttpRequest, user: Any) -> None:
    session = request.session
    if user.is_citizen:
        session[AUDIENCE_KEY] = CITIZEN
        session.set_expiry(settings.ONESTOP_CITIZEN_SESSION_DAYS * 24 * 3600)
    else:
        session[AUDIENCE_KEY] = STAFF
        session[LAST_SEEN_KEY] = int(time.time())
        session.set_expiry(0)  # the cookie dies with the browser


def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        apply_session_rules(request, user)


def connect() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="accounts.sessions.on_login")


class SessionRulesMiddleware:
    """Signs staff out after the idle limit. Sits after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            if AUDIENCE_KEY not in session:  # signed in before these rules existed
                apply_session_rules(request, user)
            elif session[AUDIENCE_KEY] == STAFF:
                now = int(time.time())
                last = int(session.get(LAST_SEEN_KEY, now))
                if now - last > settings.ONESTOP_STAFF_IDLE_SECONDS:
                    logout(request)
                elif now - last >= TOUCH_EVERY_SECONDS:
                    session[LAST_SEEN_KEY] = now
        return self.get_response(request)
