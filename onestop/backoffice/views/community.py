"""Community digital teams in the back office: coverage by commune, a commune's hamlets and
teams, a team's members and visits (with each visit's corrections). Thin: the communes a user
follows and every number come from onestop.community.selectors; the one write (a commune's
registered households) goes through onestop.community.services."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.accounts.decorators import area_required, page
from onestop.agencies.models import AdministrativeUnit
from onestop.community import selectors, services
from onestop.community.models import Team
from onestop.core.errors import DomainError, ValidationFailed


def _commune(request: HttpRequest, code: str) -> AdministrativeUnit:
    commune = get_object_or_404(AdministrativeUnit, code=code)
    if not selectors.may_follow(user=request.user, commune_id=commune.code):
        raise Http404("No such commune.")
    return commune


@area_required("community")
def overview(request: HttpRequest) -> HttpResponse:
    """Coverage of every commune the user follows, ranked by the share of households
    reached, and their teams."""
    communes = selectors.communes_followed(user=request.user)
    rows = [selectors.commune_coverage(commune=c) for c in communes]
    rows.sort(key=lambda r: (r.percent_reached is None, -(r.percent_reached or 0),
                             r.commune.name))
    return page(request, "backoffice/community/overview.html", {
        "rows": rows, "kinds": selectors.help_kinds(), "nav": "community",
        "teams": selectors.teams_in(communes=communes)})


@area_required("community")
def commune(request: HttpRequest, code: str) -> HttpResponse:
    unit = _commune(request, code)
    return page(request, "backoffice/community/commune.html", {
        "commune": unit, "coverage": selectors.commune_coverage(commune=unit),
        "kinds": selectors.help_kinds(), "hamlets": selectors.hamlet_coverage(commune=unit),
        "teams": selectors.teams_in(communes=[unit]), "nav": "community",
        "may_set": selectors.may_set_households(user=request.user, commune_id=unit.code)})


@area_required("community")
@require_POST
def households_set(request: HttpRequest, code: str) -> HttpResponse:
    unit = _commune(request, code)
    raw = request.POST.get("registered", "").strip().replace(".", "").replace(",", "")
    try:
        if not raw.isdigit():
            raise ValidationFailed(_("Enter the number of households, a whole number."))
        services.commune_households_set(commune=unit, registered=int(raw), actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Registered households saved."))
    return redirect("backoffice:community_commune", code=unit.code)


@area_required("community")
def team(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team.objects.select_related("commune"), pk=pk)
    if not selectors.may_follow(user=request.user, commune_id=team.commune_id):
        raise Http404("No such team.")
    labels = dict(selectors.help_kinds())
    visits = selectors.team_visits(team=team)
    return page(request, "backoffice/community/team.html", {
        "team": team, "members": selectors.team_members(team=team), "nav": "community",
        "visits": [(v, [labels.get(code, code) for code in v.helped]) for v in visits]})
