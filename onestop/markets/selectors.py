"""Reads of the markets pages: markets a user may see, daily totals per market and stall."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum

from .models import Market, Stall
from .services import VN, can_view, stall_order


def markets_for(*, user: Any) -> list[Market]:
    return [m for m in Market.objects.select_related("unit").order_by("name")
            if can_view(user, m)]


@dataclass(frozen=True)
class StallDay:
    stall: Stall
    count: int
    total: int


@dataclass(frozen=True)
class MarketDay:
    market: Market
    day: datetime.date
    stalls: list[StallDay]
    count: int
    total: int


def daily_totals(*, market: Market, day: datetime.date) -> MarketDay:
    """Credits per stall on one day (Vietnam time), every stall listed, one query."""
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=VN)
    end = start + datetime.timedelta(days=1)
    window = Q(transactions__occurred_at__gte=start, transactions__occurred_at__lt=end)
    stalls = (market.stalls.all()
              .annotate(day_count=Count("transactions", filter=window),
                        day_total=Sum("transactions__amount", filter=window)))
    rows = [StallDay(stall=s, count=s.day_count, total=int(s.day_total or 0))
            for s in sorted(stalls, key=stall_order)]
    return MarketDay(market=market, day=day, stalls=rows, count=sum(r.count for r in rows),
                     total=sum(r.total for r in rows))
