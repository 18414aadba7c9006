"""Community digital teams in the back office: coverage by commune (with a leaderboard and
CSV/XLSX downloads), a commune's weeks, hamlets and teams, a team's members and visits (with
each visit's corrections), campaigns and the team list import. Thin: the communes a user
follows and every number come from onestop.community.selectors; the writes (registered
households, campaigns, the import) go through onestop.community.services."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.accounts.decorators import area_required, page
from onestop.agencies.models import AdministrativeUnit
from onestop.community import maps, selectors, services
from onestop.community.models import Team, Visit
from onestop.core.errors import DomainError, ValidationFailed

# The leaderboard ranks the teams over the last 30 days.
LEADERBOARD_DAYS = 30


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
    since = timezone.now() - datetime.timedelta(days=LEADERBOARD_DAYS)
    bars, bars_height = maps.ranked_bars([(r.commune.name, r.percent_reached) for r in rows])
    return page(request, "backoffice/community/overview.html", {
        "map": selectors.coverage_map(rows=rows), "bars": bars, "bars_height": bars_height,
        "legend": maps.legend(), "no_data": maps.NO_DATA,
        "may_import_boundaries": selectors.is_city_manager(user=request.user),
        "rows": rows, "kinds": selectors.help_kinds(), "nav": "community",
        "teams": selectors.teams_in(communes=communes), "days": LEADERBOARD_DAYS,
        "leaders": selectors.team_leaderboard(communes=communes, since=since)[:10],
        "may_import": selectors.is_city_manager(user=request.user) or any(
            selectors.may_set_households(user=request.user, commune_id=c.code)
            for c in communes),
        "columns": ", ".join(services.TEAM_COLUMNS)})


@area_required("community")
def commune(request: HttpRequest, code: str) -> HttpResponse:
    unit = _commune(request, code)
    return page(request, "backoffice/community/commune.html", {
        "commune": unit, "coverage": selectors.commune_coverage(commune=unit),
        "kinds": selectors.help_kinds(), "hamlets": selectors.hamlet_coverage(commune=unit),
        "teams": selectors.teams_in(communes=[unit]), "nav": "community",
        "weeks": selectors.weekly_trend(commune=unit, now=timezone.now()),
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
        "follow_ups": selectors.open_follow_ups(team=team),
        "is_member": any(m.user_id == request.user.pk and m.is_active
                         for m in selectors.team_members(team=team)),
        "visits": [(v, [labels.get(code, code) for code in v.helped]) for v in visits]})


def _date(raw: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError:
        return None


@area_required("community")
def campaigns(request: HttpRequest) -> HttpResponse:
    """Campaigns with their progress; leaders and admins set new ones here."""
    communes = selectors.communes_followed(user=request.user)
    city = selectors.is_city_manager(user=request.user)
    scopes = [c for c in communes
              if selectors.may_set_households(user=request.user, commune_id=c.code)]
    errors: list[str] = []
    if request.method == "POST":
        post = request.POST
        code = post.get("commune", "").strip()
        commune = next((c for c in communes if c.code == code), None) if code else None
        start, end = _date(post.get("start", "")), _date(post.get("end", ""))
        goals: dict[str, int] = {}
        for c in communes:
            raw = post.get(f"goal_{c.code}", "").strip().replace(".", "").replace(",", "")
            if raw:
                if not raw.isdigit():
                    errors.append(_("Goals are whole numbers."))
                    break
                goals[c.code] = int(raw)
        if code and commune is None:
            errors.append(_("Choose a commune you follow."))
        if start is None or end is None:
            errors.append(_("Give the start and end dates."))
        if not errors and start is not None and end is not None:
            try:
                campaign = services.campaign_create(
                    actor=request.user, name=post.get("name", ""), start=start, end=end,
                    kinds=post.getlist("kinds"), goals=goals, commune=commune,
                    description=post.get("description", ""))
            except DomainError as exc:
                errors.append(str(exc))
            else:
                messages.success(request, _("Campaign created."))
                return redirect("backoffice:community_campaign", pk=campaign.pk)
    progress = [selectors.campaign_progress(campaign=c)
                for c in selectors.campaigns_for(user=request.user)]
    return page(request, "backoffice/community/campaigns.html", {
        "progress": progress, "nav": "community", "kinds": selectors.help_kinds(),
        "may_create": city or bool(scopes), "city": city, "scopes": scopes,
        "communes": communes, "errors": errors, "form": request.POST,
    }, status=422 if errors else 200)


@area_required("community")
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    found = next((c for c in selectors.campaigns_for(user=request.user) if c.pk == pk), None)
    if found is None:
        raise Http404("No such campaign.")
    labels = dict(selectors.help_kinds())
    return page(request, "backoffice/community/campaign.html", {
        "progress": selectors.campaign_progress(campaign=found), "nav": "community",
        "kinds": [labels.get(k, k) for k in found.kinds]})


def _download(headers: list[str], rows: list[list[Any]], fmt: str, name: str) -> HttpResponse:
    """The table as CSV (UTF-8 with a BOM, for spreadsheet programs) or XLSX; numbers stay
    numbers and shares exact text (never a binary float)."""
    plain = [[str(c) if isinstance(c, Decimal) else c for c in row] for row in rows]
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = name[:31]
        sheet.append(headers)
        for row in plain:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(headers)
        writer.writerows(plain)
        response = HttpResponse("\ufeff" + text.getvalue(),
                                content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="community-{name}.{fmt}"'
    return response


@area_required("community")
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """coverage.<csv|xlsx>: a row per commune followed; teams.<csv|xlsx>: a row per team
    member (the columns the teams import reads)."""
    communes = selectors.communes_followed(user=request.user)
    if table == "coverage":
        kinds = selectors.help_kinds()
        headers = [_("Commune code"), _("Commune"), _("Households reached"),
                   _("Households registered"), _("Share reached (%)"), _("Visits"),
                   *[label for _code, label in kinds]]
        rows = []
        for c in communes:
            cov = selectors.commune_coverage(commune=c)
            rows.append([c.code, c.name, cov.households_visited, cov.households_registered,
                         cov.percent_reached, cov.visits,
                         *[cov.helped.get(code, 0) for code, _label in kinds]])
        return _download(headers, rows, fmt, "coverage")
    headers = list(services.TEAM_COLUMNS)
    rows = [[t.commune_id, t.commune.name, t.hamlet, t.decision_number,
             t.decision_date.isoformat() if t.decision_date else "", m.user.get_username(),
             m.user.full_name, m.role, m.phone]
            for t, m in selectors.team_rows(communes=communes)]
    return _download(headers, rows, fmt, "teams")


MAX_UPLOAD = 5 * 1024 * 1024


@area_required("community")
@require_POST
def teams_import(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None or upload.size is None or upload.size > MAX_UPLOAD:
        messages.error(request, _("Choose a CSV or XLSX file of at most 5 MB."))
        return redirect("backoffice:community")
    try:
        result = services.teams_import(actor=request.user, data=upload.read(),
                                       filename=upload.name or "teams.csv")
    except services.TeamsImportRefused as exc:
        messages.error(request, " ".join([str(exc), *exc.errors]))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _(
            "Team list imported: %(teams_created)s new teams, %(members_added)s new members "
            "(%(accounts_created)s new accounts), %(already_there)s already there.")
            % result.__dict__)
    return redirect("backoffice:community")


@area_required("community")
@require_POST
def boundaries_import(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None or upload.size is None or upload.size > services.BOUNDARY_MAX_BYTES:
        messages.error(request, _("Choose a GeoJSON file of at most 20 MB."))
        return redirect("backoffice:community")
    try:
        count = services.boundaries_import(actor=request.user, data=upload.read())
    except services.BoundariesRefused as exc:
        messages.error(request, " ".join([str(exc), *exc.errors[:20]]))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Boundaries imported: %(count)s communes.") % {
            "count": count})
    return redirect("backoffice:community")


@area_required("community")
@require_POST
def follow_up_close(request: HttpRequest, client_id: str) -> HttpResponse:
    visit = get_object_or_404(Visit.objects.select_related("team"), client_id=client_id)
    if not selectors.may_follow(user=request.user, commune_id=visit.commune_id):
        raise Http404("No such visit.")
    try:
        services.visit_follow_up_close(actor=request.user, client_id=visit.client_id)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Follow-up closed."))
    return redirect("backoffice:community_team", pk=visit.team_id)
