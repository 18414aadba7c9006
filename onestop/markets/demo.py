"""Demo data: two "Chợ 4.0" markets with a few stalls and a morning of transactions.

Built through the services (like every demo object); the global demo banner labels it.
"""

from __future__ import annotations

import datetime

from onestop.agencies.models import AdministrativeUnit

from . import services
from .models import Market

VENDORS = [
    ("Nguyễn Thị Lan", "Rau củ", "970415"), ("Trần Văn Hùng", "Cá tươi", "970436"),
    ("Lê Thị Mai", "Trái cây", "970418"), ("Phạm Văn Tài", "Thịt heo", "970422"),
    ("Võ Thị Hồng", "Gạo, đồ khô", "970415"), ("Huỳnh Văn Sơn", "Bánh dân gian", "970436"),
]


def load_demo_markets(*, units: list[AdministrativeUnit], now: datetime.datetime) -> list[Market]:
    markets = []
    # Each market in its own ward (Tân An market is in Ninh Kiều, Cái Khế market in Cái Khế),
    # found by name; the first unit stands in when a ward is not among the demo's units.
    by_name = {u.name: u for u in units}
    for index, (name, street, ward) in enumerate([
            ("Chợ 4.0 Tân An", "Hai Bà Trưng", "Phường Ninh Kiều"),
            ("Chợ 4.0 Cái Khế", "Trần Văn Khéo", "Phường Cái Khế")]):
        unit = by_name.get(ward, units[index % len(units)])
        market = services.market_create(name=name, unit=unit,
                                        address=f"Đường {street}, {unit.name}")
        lines = ["stall,time,amount,transaction_id"]
        day = services.timezone.localdate(now, services.VN)
        for n, (vendor, goods, bank) in enumerate(VENDORS, start=1):
            services.stall_create(market=market, number=str(n), vendor_name=vendor,
                                  bank_bin=bank, account=f"10{index}{n:03d}{n * 7919:06d}",
                                  phone=f"0907{index}{n:05d}", goods=goods)
            for k in range(1 + (n * 3 + index) % 5):
                amount = 5000 * (1 + (n * 7 + k * 3 + index) % 20)
                lines.append(f"{n},{day.isoformat()} {6 + k:02d}:{(n * 9) % 60:02d},{amount},"
                             f"DEMO{index}{n:02d}{k:02d}")
        services.feed_import(market=market, text="\n".join(lines) + "\n", at=now)
        markets.append(market)
    return markets
