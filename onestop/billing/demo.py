"""Demo data: a water company and an electricity company with open bills to look up.

Customer codes KH0001 … KH0010 at both; built through the services.
"""

from __future__ import annotations

import datetime

from onestop.agencies.models import Agency

from . import services
from .models import Biller

CUSTOMERS = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em",
             "Huỳnh Thị Giang", "Võ Văn Hải", "Đặng Thị Hoa", "Bùi Văn Khoa", "Đỗ Thị Linh"]


def load_demo_bills(*, agency: Agency, now: datetime.datetime) -> list[Biller]:
    billers = []
    for code, prefix, name, kind, base in (
            ("cantho-water", "WATER", "Công ty Cấp nước Cần Thơ (demo)", Biller.Kind.WATER,
             90000),
            ("cantho-power", "POWER", "Điện lực Cần Thơ (demo)", Biller.Kind.ELECTRICITY,
             250000)):
        biller, _key = services.biller_create(code=code, name=name, kind=kind, agency=agency)
        due = (now + datetime.timedelta(days=10)).date()
        period = now.strftime("%m/%Y")
        records = [{"number": f"{prefix}-{now:%Y%m}-{i:04d}",
                    "customer_code": f"KH{i:04d}", "customer_name": customer,
                    "period": period, "amount": base + 1000 * ((i * 37) % 90),
                    "due_date": due.isoformat()}
                   for i, customer in enumerate(CUSTOMERS, start=1)]
        services.bills_import(biller=biller, records=records, source="demo", at=now)
        billers.append(biller)
    return billers
