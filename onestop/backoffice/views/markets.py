"""Cashless markets in the back office: the list, one market's daily totals per stall (with
the vendors' feed import), its CSV export and the stalls' QR sheet."""

from __future__ import annotations

import csv
import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from onestop.accounts.decorators import area_required, page
from onestop.core.errors import DomainError
from onestop.markets import selectors, services
from onestop.markets.models import Market

MAX_UPLOAD = 10 * 1024 * 1024


def _market(request: HttpRequest, pk: int) -> Market:
    market = get_object_or_404(Market.objects.select_related("unit"), pk=pk)
    if not services.can_view(request.user, market):
        raise Http404("No such market.")
    return market


def _day(request: HttpRequest) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate(timezone.now(), services.VN)


@area_required("markets")
def market_list(request: HttpRequest) -> HttpResponse:
    return page(request, "backoffice/markets/list.html", {
        "markets": selectors.markets_for(user=request.user), "nav": "markets"})


@area_required("markets")
def market_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Daily totals per stall (date picker), the feed import, the QR sheet and CSV links."""
    market = _market(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None or upload.size is None or upload.size > MAX_UPLOAD:
                raise services.FeedInvalid([_("Choose a CSV file of at most 10 MB.")])
            result = services.feed_import(market=market, actor=request.user,
                                          text=upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            errors = [_("The file must be UTF-8 text.")]
        except services.FeedInvalid as exc:
            errors = [str(exc), *exc.errors]
        except DomainError as exc:
            errors = [str(exc)]
        else:
            messages.success(request, _("Transactions imported: %(imported)s new, "
                                        "%(already)s already known.") % result.__dict__)
            return redirect("backoffice:market", pk=market.pk)
    day = _day(request)
    totals = selectors.daily_totals(market=market, day=day)
    return page(request, "backoffice/markets/market.html", {
        "market": market, "day": day, "totals": totals,
        "errors": errors, "columns": ", ".join(services.FEED_COLUMNS), "nav": "markets",
    }, status=422 if errors else 200)


@area_required("markets")
def market_csv(request: HttpRequest, pk: int) -> HttpResponse:
    market = _market(request, pk)
    day = _day(request)
    totals = selectors.daily_totals(market=market, day=day)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="market-{market.pk}-{day}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 Vietnamese only with the BOM
    writer = csv.writer(response)
    writer.writerow([_("Date"), _("Stall"), _("Vendor"), _("Transactions"), _("Amount (VND)")])
    for row in totals.stalls:
        writer.writerow([day.isoformat(), row.stall.number, row.stall.vendor_name, row.count,
                         row.total])
    writer.writerow([day.isoformat(), _("Total"), market.name, totals.count, totals.total])
    return response


@area_required("markets")
def market_qr_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    market = _market(request, pk)
    response = HttpResponse(services.render_qr_sheet(market=market),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="qr-market-{market.pk}.pdf"'
    return response
