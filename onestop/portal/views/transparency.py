"""/minh-bach/: the public transparency page (the service index per agency for a year) and
its CSV/XLSX download. No account needed."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from onestop.scorecard import charts, selectors, tables
from onestop.scorecard.exports import export


def _public_table(request: HttpRequest) -> tuple[tables.Table, selectors.Period, Any]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    period = selectors.Period(datetime.date(year, 1, 1),
                              min(datetime.date(year, 12, 31), today))
    city, rows = selectors.public_figures(period=period)
    return tables.public_table(city, rows), period, (city, rows)


def transparency(request: HttpRequest) -> HttpResponse:
    table, period, (city, rows) = _public_table(request)
    chart = charts.bar_chart(_("On time, per agency (%)"),
                             [(r.name, r.figures["on_time"]) for r in rows[:20]])
    return render(request, "portal/transparency.html", {
        "table": table, "period": period, "city": city, "chart": chart,
        "years": list(range(timezone.localdate().year, 2019, -1)), "nav": "transparency",
    })


def transparency_export(request: HttpRequest, fmt: str) -> HttpResponse:
    table, period, _rows = _public_table(request)
    return export(table, fmt, f"minh-bach-{period.start.year}")
