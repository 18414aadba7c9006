"""The scorecard in the back office. Thin: parse the period and the unit, call selectors,
render.

For leaders, agency admins and superusers: /backoffice/scorecard/ (the city), …/u/<unit>/
(one unit; 0 = the city), …/u/<unit>/p/<procedure>/ (the late dossiers), …/dti/, …/manage/
(hand-entered values and targets), and …/export/<table>.<csv|xlsx>. Every table on a page
can be downloaded as CSV and XLSX with the same query string. The public transparency page
is onestop.portal.views.transparency.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.accounts.decorators import page
from onestop.agencies.models import Agency
from onestop.core.csvimport import ImportRefused
from onestop.core.errors import DomainError
from onestop.core.uploads import stored_file_response
from onestop.scorecard import charts, rollups, selectors, services, tables
from onestop.scorecard.dti import rank_year
from onestop.scorecard.exports import export
from onestop.scorecard.forms import DtiImportForm, ManualValueForm, PeriodForm, TargetForm
from onestop.scorecard.models import Target

View = Callable[..., HttpResponseBase]
LATE_LIMIT = 500


def leaders_only(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("backoffice:login"))
        if not services.may_view(request.user):
            return render(request, "backoffice/forbidden.html", {
                "reason": _("The scorecard is for leaders, agency admins and the city's "
                            "digital-transformation office.")}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _period(request: HttpRequest) -> tuple[PeriodForm, selectors.Period, str]:
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    query = "?" + urlencode({"start": start.isoformat(), "end": end.isoformat()})
    return form, selectors.Period(start, end), query


def _unit(unit_id: int) -> Agency | None:
    if unit_id == 0:
        return None
    return get_object_or_404(Agency, pk=unit_id)


def _trend_chart(months: list[selectors.MonthFigures]) -> charts.LineChart:
    labels = [m.month.strftime("%m/%y") for m in months]
    return charts.line_chart(_("Month by month (%)"), labels, [
        (_("On time"), "s1", [m.rate("on_time") for m in months]),
        (_("Online filing"), "s2", [m.rate("online_filing") for m in months]),
        (_("Online payment"), "s3", [m.rate("online_payment") for m in months]),
    ])


def _targets(unit: Agency | None, *, everything: bool) -> list[services.TargetStatus]:
    qs = Target.objects.select_related("agency")
    if not everything:
        qs = qs.filter(agency=unit)
    today = timezone.localdate()
    return [services.target_status(t, today=today) for t in qs]


# ---- tables per page (shared by the page and its exports) -------------------------------------

def city_tables(period: selectors.Period, query: str) -> dict[str, Any]:
    card = selectors.service_index(unit=None, period=period)
    ranked = selectors.ranking(period=period)
    months = selectors.trend(unit=None, period=period)
    statuses = _targets(None, everything=True)
    return {
        "card": card, "ranked": ranked, "months": months, "statuses": statuses,
        "tables": {
            "indicators": tables.indicators_table(card),
            "groups": tables.groups_table(card),
            "ranking": tables.ranking_table(ranked, query),
            "trend": tables.trend_table(months),
            "targets": tables.targets_table(statuses),
        },
    }


def unit_tables(unit: Agency | None, period: selectors.Period, query: str) -> dict[str, Any]:
    card = selectors.service_index(unit=unit, period=period)
    months = selectors.trend(unit=unit, period=period)
    procs = selectors.by_procedure(unit=unit, period=period)
    statuses = _targets(unit, everything=False)
    return {
        "card": card, "months": months, "procs": procs, "statuses": statuses,
        "tables": {
            "indicators": tables.indicators_table(card),
            "groups": tables.groups_table(card),
            "trend": tables.trend_table(months),
            "procedures": tables.procedures_table(procs, unit.pk if unit else None, query),
            "targets": tables.targets_table(statuses),
        },
    }


@leaders_only
def dashboard(request: HttpRequest) -> HttpResponse:
    form, period, query = _period(request)
    data = city_tables(period, query)
    ranked = data["ranked"]
    return page(request, "backoffice/scorecard/dashboard.html", {
        **data, "form": form, "period": period, "query": query, "nav": "scorecard",
        "unit_id": 0, "trend_chart": _trend_chart(data["months"]),
        "units_chart": charts.bar_chart(_("Score of each unit (of 100)"),
                                        [(r.card.unit.name if r.card.unit else "", r.card.score)
                                         for r in ranked[:20]]),
        "behind": [s for s in data["statuses"] if s.behind],
        "may_manage": services.may_manage(request.user),
    })


@leaders_only
def unit_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit(unit_id)
    form, period, query = _period(request)
    data = unit_tables(unit, period, query)
    procs = data["procs"][:20]
    return page(request, "backoffice/scorecard/unit.html", {
        **data, "unit": unit, "unit_id": unit_id, "form": form, "period": period,
        "query": query, "nav": "scorecard", "trend_chart": _trend_chart(data["months"]),
        "procs_chart": charts.bar_chart(_("On time by procedure (%)"),
                                        [(p.code, p.on_time) for p in procs]),
        "behind": [s for s in data["statuses"] if s.behind],
    })


def _late_table(unit: Agency | None, procedure_id: int, period: selectors.Period
                ) -> tuple[tables.Table, int]:
    qs = selectors.late_dossiers(unit=unit, procedure_id=procedure_id, period=period)
    rows = list(qs[:LATE_LIMIT + 1])
    return tables.late_table(rows[:LATE_LIMIT]), len(rows)


@leaders_only
def late(request: HttpRequest, unit_id: int, procedure_id: int) -> HttpResponse:
    unit = _unit(unit_id)
    form, period, query = _period(request)
    table, found = _late_table(unit, procedure_id, period)
    names = selectors.procedure_names([procedure_id], on=period.end)
    if procedure_id not in names:
        raise Http404
    return page(request, "backoffice/scorecard/late.html", {
        "unit": unit, "unit_id": unit_id, "procedure_id": procedure_id,
        "procedure": names[procedure_id], "form": form, "period": period, "query": query,
        "nav": "scorecard", "tables": {"late": table}, "more": found > LATE_LIMIT,
        "limit": LATE_LIMIT,
    })


def _dti_context(request: HttpRequest) -> dict[str, Any]:
    weights = services.dti_weights(None)
    rows = services.dti_rows(framework_code=weights.code)
    years = sorted({r.year for r in rows})
    year = years[-1] if years else None
    try:
        asked = int(request.GET.get("year", ""))
        if asked in years:
            year = asked
    except ValueError:
        pass
    lines = rank_year(rows, weights, year) if rows else []
    return {"years": years, "year": year, "weights": weights.weights,
            "tables": {"dti": tables.dti_table(lines, year)}}


@leaders_only
def dti_page(request: HttpRequest) -> HttpResponse:
    form = DtiImportForm()
    if request.method == "POST":
        form = DtiImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.dti_import(actor=request.user, data=upload.read(),
                                             filename=upload.name)
            except ImportRefused as exc:
                form.add_error(None, [str(exc), *exc.errors])
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("%(n)s values imported.") % {"n": result.values})
                return redirect("backoffice:scorecard_dti")
    return page(request, "backoffice/scorecard/dti.html", {
        **_dti_context(request), "form": form, "nav": "scorecard",
        "may_manage": services.may_manage(request.user)})


@leaders_only
def evidence_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file given as evidence for a hand-entered value (a download that runs nothing)."""
    value = selectors.manual_value(pk)
    if not value.evidence_file:
        raise Http404("No evidence file.")
    return stored_file_response(value.evidence_file, inline=True)


@leaders_only
def manage(request: HttpRequest) -> HttpResponse:
    value_form = ManualValueForm(prefix="value")
    target_form = TargetForm(prefix="target")
    if request.method == "POST":
        if not services.may_manage(request.user):
            return render(request, "backoffice/forbidden.html", status=403)
        try:
            if "value-indicator_code" in request.POST:
                value_form = ManualValueForm(request.POST, request.FILES, prefix="value")
                if value_form.is_valid():
                    services.manual_value_enter(actor=request.user, **value_form.cleaned_data)
                    messages.success(request, _("The value was recorded."))
                    return redirect("backoffice:scorecard_manage")
            else:
                target_form = TargetForm(request.POST, prefix="target")
                if target_form.is_valid():
                    services.target_create(actor=request.user, **target_form.cleaned_data)
                    messages.success(request, _("The target was set."))
                    return redirect("backoffice:scorecard_manage")
        except DomainError as exc:
            (value_form if "value-indicator_code" in request.POST else target_form) \
                .add_error(None, str(exc))
    return page(request, "backoffice/scorecard/manage.html", {
        "value_form": value_form, "target_form": target_form, "nav": "scorecard",
        "may_manage": services.may_manage(request.user),
        "values": selectors.recent_manual_values(),
    })


@leaders_only
def export_table(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    _form, period, query = _period(request)
    try:
        unit_id = int(request.GET.get("unit", "0"))
    except ValueError as exc:
        raise Http404 from exc
    if table == "dti":
        found = _dti_context(request)["tables"]
    elif table == "late":
        try:
            procedure_id = int(request.GET.get("procedure", ""))
        except ValueError as exc:
            raise Http404 from exc
        found = {"late": _late_table(_unit(unit_id), procedure_id, period)[0]}
    elif unit_id == 0 and table in ("ranking", "targets", "indicators", "groups", "trend"):
        found = city_tables(period, query)["tables"]
    else:
        found = unit_tables(_unit(unit_id), period, query)["tables"]
    if table not in found:
        raise Http404
    return export(found[table], fmt, f"{table}-{period.start}-{period.end}")


@require_POST
@leaders_only
def refresh_now(request: HttpRequest) -> HttpResponse:
    """Catch up with the audit log now (what the worker does every minute)."""
    rollups.refresh()
    return redirect(request.POST.get("next") or "backoffice:scorecard")
