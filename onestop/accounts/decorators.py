"""Who may open a page: citizens' pages, staff pages, and the staff page frame.

Every surface (onestop.portal, onestop.backoffice) guards its views with these, so the rule
"signed in, and the right kind of account" is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from onestop.agencies.models import Agency, Role
from onestop.agencies.selectors import is_staff_member, memberships_of

View = Callable[..., HttpResponseBase]

# The roles that use each back-office area: the navigation shows an area to these roles and
# `area_required` lets only them open its pages (a superuser opens every area).
AREAS: dict[str, frozenset[str]] = {
    "intake": frozenset({Role.OFFICER}),
    "apologies": frozenset({Role.LEADER}),
    "feedback": frozenset({Role.OFFICER, Role.SPECIALIST, Role.LEADER, Role.ADMIN}),
    "ratings": frozenset({Role.OFFICER, Role.SPECIALIST, Role.LEADER, Role.ADMIN}),
    "payments": frozenset({Role.OFFICER, Role.SPECIALIST, Role.LEADER, Role.ADMIN}),
    "billing": frozenset({Role.OFFICER, Role.ADMIN}),
    # Chợ 4.0 markets: the commune's counter, its leaders and admins follow the daily totals
    # and print stall QR cards; city-level staff with these roles follow every market.
    "markets": frozenset({Role.OFFICER, Role.LEADER, Role.ADMIN}),
    "scorecard": frozenset({Role.LEADER, Role.ADMIN}),
    # Community digital teams: members see their teams, a commune's leaders and admins its
    # teams, the city's leaders and admins (the digital-transformation office) every commune.
    "community": frozenset({Role.COMMUNITY, Role.LEADER, Role.ADMIN}),
    # The city guide: the tourism office's staff review suggestions, producers and citizens'
    # traffic reports, publish places and keep the traffic sources' keys.
    "guide": frozenset({Role.TOURISM}),
    # The national public service portal: the service centre's staff follow what did not
    # reach it; its admins import the national catalog (onestop.national).
    "national": frozenset({Role.OFFICER, Role.LEADER, Role.ADMIN}),
}

# Areas used only by staff of some kinds of agency: the role must be held in one of them.
AREA_AGENCY_KINDS: dict[str, frozenset[str]] = {
    "national": frozenset({Agency.Kind.SERVICE_CENTRE}),
}


def areas_of(user: Any, roles: set[str], memberships: Iterable[Any] = ()) -> set[str]:
    if getattr(user, "is_superuser", False):
        return set(AREAS)
    areas = {area for area, allowed in AREAS.items()
             if allowed & roles and area not in AREA_AGENCY_KINDS}
    for m in memberships:
        areas |= {area for area, kinds in AREA_AGENCY_KINDS.items()
                  if m.role in AREAS[area] and m.agency.kind in kinds}
    return areas


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


def area_required(area: str) -> Callable[[View], View]:
    """A staff page of one back-office area: staff without a role that uses it get a 403
    page naming the roles that do."""

    def decorate(view: View) -> View:
        @staff_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            memberships = memberships_of(user=request.user)
            roles = {m.role for m in memberships}
            if area not in areas_of(request.user, roles, memberships):
                names = ", ".join(str(Role(r).label) for r in sorted(AREAS[area]))
                return render(request, "backoffice/forbidden.html", {
                    "reason": _("This part of the back office is for: %(roles)s.")
                    % {"roles": names}}, status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


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
        "areas": areas_of(request.user, roles, memberships),
    }
    return render(request, template, {**header, **(context or {})}, status=status)
