"""Who may open a page: citizens' pages, staff pages, and the staff page frame.

Every surface (onestop.portal, onestop.backoffice) guards its views with these, so the rule
"signed in, and the right kind of account" is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from onestop.agencies.models import Role
from onestop.agencies.selectors import is_staff_member, memberships_of

View = Callable[..., HttpResponseBase]


def citizen_required(view: View) -> View:
    """Signed in as a citizen: anonymous visitors go to the citizens' sign-in (with `next`),
    staff accounts get a page saying these pages are for citizens (403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if not request.user.is_citizen:
            return render(request, "accounts/citizens_only.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view: View) -> View:
    """Signed in (else the staff login page) and holding at least one role (else a 403 page)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_member(user=request.user):
            return render(request, "backoffice/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def page(request: HttpRequest, template: str, context: Mapping[str, Any] | None = None,
         *, status: int = 200) -> HttpResponse:
    """Render a staff page with the header's facts (one query for the user's roles)."""
    memberships = memberships_of(user=request.user)
    roles = {m.role for m in memberships}
    header = {
        "memberships": memberships,
        "is_officer": Role.OFFICER in roles,
        "is_leader": Role.LEADER in roles,
        "is_agency_admin": Role.ADMIN in roles or request.user.is_superuser,
    }
    return render(request, template, {**header, **(context or {})}, status=status)
