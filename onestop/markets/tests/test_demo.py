import datetime

import pytest

from onestop.billing.models import Bill
from onestop.demo.loader import demo_load
from onestop.markets import selectors
from onestop.markets.models import Market
from onestop.testing import vn

pytestmark = pytest.mark.django_db


def test_the_demo_has_cashless_markets_with_takings_and_open_bills():
    now = vn(2026, 3, 20, 10)
    demo_load(size=10, now=now)
    markets = list(Market.objects.order_by("name"))
    assert [(m.name, m.unit.name) for m in markets] == [
        ("Chợ 4.0 Cái Khế", "Phường Cái Khế"), ("Chợ 4.0 Tân An", "Phường Ninh Kiều")]
    day = selectors.daily_totals(market=markets[1], day=datetime.date(2026, 3, 20))
    assert len(day.stalls) == 6 and day.total > 0 and day.total % 1000 == 0
    assert Bill.objects.filter(customer_code="KH0001", state="open").count() == 2
