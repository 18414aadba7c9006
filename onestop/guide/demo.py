"""Demo data of the city guide, made through its services and labelled as demo data.

Places are real landmarks of Cần Thơ (the city since the 2025 merger with Hậu Giang and Sóc
Trăng) at approximate coordinates placed by hand (`approximate=True`, said on every page);
their hours are typical, not checked, and no phone or website is invented for them. OCOP
producers, their decisions and shop links are invented (example.com). Road segments are real
streets of the centre with rough shapes; their reports are invented: some current, some whose
validity has passed (shown as stale), one road without any report. The tax authority appears
as a demo biller of the bills hub, with amounts due to pay by their identifier.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings

from onestop.agencies.models import Agency, Role
from onestop.agencies.services import staff_role_grant

from .models import CongestionLevel, TrafficKind
from .services import ocop, places, traffic

DAILY = {d: [["07:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
EVENING = {d: [["17:00", "23:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
DAWN = {d: [["05:00", "09:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
OFFICE = {d: [["07:30", "11:00"], ["13:30", "17:00"]] for d in ("tue", "wed", "thu", "fri",
                                                               "sat", "sun")}

# (name, English name, category, commune code, address, lat, lon, hours, closed at Tết,
#  price range, description)
LANDMARKS: list[tuple[Any, ...]] = [
    ("Bến Ninh Kiều", "Ninh Kieu Wharf", "destination", "31135", "Đường Hai Bà Trưng",
     "10.034100", "105.788000", None, False, "free",
     "Bến sông bên sông Hậu, nơi đón tàu đi chợ nổi."),
    ("Cầu đi bộ Ninh Kiều", "Ninh Kieu Pedestrian Bridge", "destination", "31135",
     "Bến Ninh Kiều", "10.035400", "105.789200", None, False, "free", ""),
    ("Chợ cổ Cần Thơ", "Can Tho Old Market", "destination", "31135", "Đường Hai Bà Trưng",
     "10.031900", "105.788800", DAILY, False, "low", ""),
    ("Chùa Ông (Quảng Triệu Hội Quán)", "Ong Pagoda", "destination", "31135",
     "32 Đường Hai Bà Trưng", "10.033300", "105.787600", DAILY, False, "free", ""),
    ("Bảo tàng thành phố Cần Thơ", "Can Tho Museum", "destination", "31135",
     "Đại lộ Hòa Bình", "10.033000", "105.784300", OFFICE, True, "free", ""),
    ("Nhà thờ chánh tòa Cần Thơ", "Can Tho Cathedral", "destination", "31135",
     "Đại lộ Hòa Bình", "10.034600", "105.785500", None, False, "free", ""),
    ("Chùa Munir Ansay", "Munir Ansay Pagoda", "destination", "31120",
     "Đường Cách Mạng Tháng Tám", "10.036800", "105.782800", DAILY, False, "free", ""),
    ("Chợ nổi Cái Răng", "Cai Rang Floating Market", "destination", "31186", "Sông Cần Thơ",
     "10.006100", "105.748800", DAWN, True, "free",
     "Chợ trên sông, đông nhất từ sáng sớm đến khoảng 9 giờ."),
    ("Cầu Cần Thơ", "Can Tho Bridge", "destination", "31201", "Quốc lộ 1",
     "10.032500", "105.833000", None, False, "free", ""),
    ("Cồn Ấu", "Con Au Islet", "destination", "31201", "Sông Hậu", "10.025000", "105.797000",
     None, False, "free", ""),
    ("Đền thờ Vua Hùng Cần Thơ", "Hung Kings Temple of Can Tho", "destination", "31186",
     "Phường Cái Răng", "10.016000", "105.763000", DAILY, False, "free", ""),
    ("Nhà cổ Bình Thủy", "Binh Thuy Ancient House", "destination", "31168",
     "Đường Bùi Hữu Nghĩa", "10.071600", "105.745800", DAILY, True, "low", ""),
    ("Đình Bình Thủy", "Binh Thuy Communal House", "destination", "31168",
     "Đường Lê Hồng Phong", "10.072000", "105.744500", DAILY, False, "free", ""),
    ("Cồn Sơn", "Con Son Islet", "destination", "31168", "Sông Hậu", "10.078000", "105.756000",
     None, False, "mid", "Cù lao với vườn trái cây và du lịch cộng đồng."),
    ("Thiền viện Trúc Lâm Phương Nam", "Truc Lam Phuong Nam Zen Monastery", "destination",
     "31299", "Xã Phong Điền", "9.995000", "105.703000", DAILY, False, "free", ""),
    ("Chợ nổi Phong Điền", "Phong Dien Floating Market", "destination", "31299",
     "Sông Cần Thơ", "9.999000", "105.668000", DAWN, True, "free", ""),
    ("Vườn cò Bằng Lăng", "Bang Lang Stork Garden", "destination", "31207", "Phường Thuận Hưng",
     "10.165000", "105.616000", DAILY, False, "low", ""),
    ("Chợ nổi Ngã Bảy", "Nga Bay Floating Market", "destination", "31340", "Phường Ngã Bảy",
     "9.818000", "105.820000", DAWN, True, "free", ""),
    ("Khu bảo tồn thiên nhiên Lung Ngọc Hoàng", "Lung Ngoc Hoang Nature Reserve",
     "destination", "31426", "Xã Phương Bình", "9.750000", "105.650000", DAILY, False, "low",
     ""),
    ("Khu di tích Chiến thắng Chương Thiện", "Chuong Thien Victory Memorial", "destination",
     "31321", "Phường Vị Thanh", "9.784000", "105.470000", OFFICE, True, "free", ""),
    ("Chùa Dơi (Mahatup)", "Bat Pagoda (Mahatup)", "destination", "31507",
     "Phường Sóc Trăng", "9.590000", "105.985000", DAILY, False, "free", ""),
    ("Chùa Kh'leang", "Kh'leang Pagoda", "destination", "31507", "Phường Sóc Trăng",
     "9.603000", "105.976000", DAILY, False, "free", ""),
    ("Bảo tàng văn hóa Khmer Sóc Trăng", "Soc Trang Khmer Museum", "destination", "31507",
     "Phường Sóc Trăng", "9.601000", "105.974000", OFFICE, True, "free", ""),
    ("Chùa Chén Kiểu", "Chen Kieu Pagoda", "destination", "31684", "Phường Mỹ Xuyên",
     "9.600000", "105.883000", DAILY, False, "free", ""),
    ("Cù Lao Dung", "Cu Lao Dung Island", "destination", "31633", "Xã Cù Lao Dung",
     "9.650000", "106.170000", None, False, "mid", ""),
    ("Chợ đêm Ninh Kiều", "Ninh Kieu Night Market", "food", "31135", "Đường Hai Bà Trưng",
     "10.032800", "105.787200", EVENING, True, "low", "Ẩm thực đường phố buổi tối."),
    ("Chợ Tân An", "Tan An Market", "food", "31147", "Đường Hai Bà Trưng",
     "10.030000", "105.788300", DAILY, True, "low", ""),
    ("Công viên sông Hậu", "Song Hau Park", "entertainment", "31120", "Đường Lê Lợi",
     "10.045000", "105.790000", None, False, "free", ""),
    ("Sân vận động Cần Thơ", "Can Tho Stadium", "entertainment", "31135", "Đường 3 tháng 2",
     "10.029000", "105.778000", None, False, "mid", ""),
    ("Cảng hàng không quốc tế Cần Thơ", "Can Tho International Airport", "service", "31168",
     "Đường Võ Văn Kiệt", "10.085100", "105.711700", None, False, "", ""),
    ("Bến xe khách trung tâm Cần Thơ", "Can Tho Central Bus Station", "service", "31186",
     "Quốc lộ 1", "10.009000", "105.753000", None, False, "", ""),
]

# (producer, kind, commune, product, category, stars, price, unit)
OCOP = [
    ("HTX Bánh pía Vũng Thơm (demo)", "cooperative", "31507", "Bánh pía sầu riêng", "food", 4,
     85000, "hộp 4 cái"),
    ("Hộ kinh doanh Bánh tráng Thuận Hưng (demo)", "household", "31207", "Bánh tráng nước dừa",
     "food", 3, 30000, "gói 500 g"),
    ("Cơ sở Hủ tiếu Cái Răng (demo)", "household", "31186", "Hủ tiếu khô", "food", 3, 35000,
     "gói 500 g"),
    ("HTX Dâu Hạ Châu (demo)", "cooperative", "31299", "Dâu Hạ Châu sấy dẻo", "food", 4,
     60000, "hộp 250 g"),
    ("HTX Khóm Cầu Đúc (demo)", "cooperative", "31340", "Khóm Cầu Đúc sấy", "food", 4, 55000,
     "hộp 200 g"),
    ("Doanh nghiệp Gạo thơm Sóc Trăng (demo)", "business", "31684", "Gạo thơm ST25", "food", 5,
     180000, "túi 5 kg"),
    ("HTX Trà mãng cầu Phong Điền (demo)", "cooperative", "31299", "Trà mãng cầu", "beverage",
     3, 45000, "hộp 20 túi lọc"),
    ("Doanh nghiệp Tinh dầu Ô Môn (demo)", "business", "31153", "Tinh dầu sả chanh", "herbal",
     5, 120000, "chai 50 ml"),
]

# A demo served for a working day still shows current reports beside the expired ones: the
# "current" demo reports stay valid 12 hours after the load (real sources send every minute).
CURRENT = 12 * 60

# (code, road, from, to, [(lon, lat), …], report: None | (kind, level, minutes ago, valid for
# minutes, description))
SEGMENTS: list[tuple[Any, ...]] = [
    ("duong-30-4-1", "Đường 30 tháng 4", "Đại lộ Hòa Bình", "Đường 3 tháng 2",
     [(105.7838, 10.0320), (105.7800, 10.0270), (105.7772, 10.0232)],
     (TrafficKind.CONGESTION, CongestionLevel.CONGESTED, 6, CURRENT, "Giờ cao điểm")),
    ("hoa-binh-1", "Đại lộ Hòa Bình", "Đường Nguyễn Trãi", "Đường 30 tháng 4",
     [(105.7812, 10.0371), (105.7830, 10.0345), (105.7838, 10.0320)],
     (TrafficKind.CONGESTION, CongestionLevel.FREE, 4, CURRENT, "")),
    ("hai-ba-trung-1", "Đường Hai Bà Trưng", "Đường Nguyễn Thái Học", "Cầu Nhị Kiều",
     [(105.7878, 10.0358), (105.7880, 10.0341), (105.7885, 10.0310)],
     (TrafficKind.FLOODING, CongestionLevel.SLOW, 12, CURRENT,
      "Ngập 20 cm khi triều cường, xe máy đi chậm")),
    ("mau-than-1", "Đường Mậu Thân", "Đường 3 tháng 2", "Đường Trần Hưng Đạo",
     [(105.7720, 10.0300), (105.7765, 10.0335), (105.7790, 10.0352)],
     (TrafficKind.ROADWORKS, CongestionLevel.SLOW, 300, 60, "Thi công cống thoát nước")),
    ("nguyen-van-cu-1", "Đường Nguyễn Văn Cừ", "Đường Mậu Thân", "Cầu Cái Sơn",
     [(105.7720, 10.0300), (105.7620, 10.0330), (105.7540, 10.0350)],
     (TrafficKind.INCIDENT, CongestionLevel.BLOCKED, 240, 45, "Va chạm giao thông")),
    ("3-thang-2-1", "Đường 3 tháng 2", "Đường 30 tháng 4", "Đường Mậu Thân",
     [(105.7772, 10.0232), (105.7745, 10.0265), (105.7720, 10.0300)], None),
    ("tran-hung-dao-1", "Đường Trần Hưng Đạo", "Đường Mậu Thân", "Đại lộ Hòa Bình",
     [(105.7790, 10.0352), (105.7805, 10.0350), (105.7830, 10.0345)],
     (TrafficKind.CONGESTION, CongestionLevel.SLOW, 10, CURRENT, "")),
    ("cmt8-1", "Đường Cách Mạng Tháng Tám", "Đường Nguyễn Trãi", "Cầu Rạch Ngỗng",
     [(105.7812, 10.0371), (105.7790, 10.0400), (105.7760, 10.0440)],
     (TrafficKind.CONGESTION, CongestionLevel.CONGESTED, 200, 30, "")),
]

TAX_DUE = [("Hộ kinh doanh Nguyễn Văn An (demo)", 1_500_000), ("Trần Thị Bình (demo)", 820_000),
           ("Công ty TNHH Mẫu (demo)", 12_350_000)]


def load_demo_guide(*, password: str, now: datetime.datetime, collecting_agency: Agency,
                    user_model: Any) -> dict[str, int]:
    suffix = str(settings.ONESTOP_CITY_AGENCY_CODE).rsplit(".", 1)[-1]
    office = Agency.objects.create(code=f"000.00.40.{suffix}", kind=Agency.Kind.DEPARTMENT,
                                   name="Sở Văn hóa, Thể thao và Du lịch",
                                   name_en="Department of Culture, Sports and Tourism")
    staff = user_model.objects.create(username="dulich", full_name="Nguyễn Thị Du Lịch",
                                      password=password)
    staff_role_grant(user=staff, agency=office, role=Role.TOURISM)
    made: list[Any] = []
    for (name, name_en, category, commune, address, lat, lon, hours, tet, price,
         description) in LANDMARKS:
        made.append(places.place_create(actor=staff, publish=True, is_demo=True, data={
            "name": name, "name_en": name_en, "category": category, "commune_code": commune,
            "address": address, "lat": lat, "lon": lon, "approximate": True,
            "opening_hours": hours or {}, "closed_at_tet": tet, "price_range": price,
            "description": description}))
    # One business's suggestion waits for review in the back office.
    places.suggestion_submit(place_id=made[2].pk, business="Ban quản lý chợ (demo)",
                             contact="0900000099", changes={"phone": "0900000099"})
    producer_user = user_model.objects.create(username="ocop.demo", full_name="HTX mẫu (demo)",
                                              password=password)
    today = now.date()
    products = 0
    for index, (producer_name, kind, commune, product, category, stars, price,
                unit) in enumerate(OCOP):
        producer = ocop.producer_register(name=producer_name, kind=kind, commune_code=commune,
                                          manager=producer_user if index == 0 else None,
                                          phone=f"09000001{index:02d}", is_demo=True)
        ocop.producer_review(actor=staff, producer_id=producer.pk, approve=True)
        authority = ("Bộ Nông nghiệp và Môi trường" if stars == 5
                     else "UBND thành phố Cần Thơ")
        item = ocop.product_create(actor=staff, producer_id=producer.pk, publish=True,
                                   is_demo=True, data={
            "name": product, "category": category, "stars": stars,
            "decision_number": f"{100 + index}/QĐ-{'BNNMT' if stars == 5 else 'UBND'} (demo)",
            "decision_date": today - datetime.timedelta(days=200 + 30 * index),
            "decision_authority": authority,
            "certificate_expires": today + datetime.timedelta(days=400 + 60 * index),
            "price": price, "unit": unit,
            "description": "Sản phẩm mẫu cho bản trình diễn (dữ liệu mẫu)."})
        ocop.listing_add(actor=staff, product_id=item.pk, platform="Sàn mẫu (demo)",
                         url=f"https://shop.example.com/ocop/{item.pk}")
        products += 1
    source, _key = traffic.traffic_source_create(
        actor=staff, code="demo-dieu-hanh", name="Trung tâm điều hành đô thị (demo)",
        is_demo=True)
    reports = 0
    for code, road, start, end, line, report in SEGMENTS:
        traffic.segment_create(actor=staff, code=code, name=road, from_name=start, to_name=end,
                               geometry={"type": "LineString",
                                         "coordinates": [list(p) for p in line]},
                               is_demo=True)
        if report is None:
            continue
        kind, level, ago, valid, description = report
        reported = now - datetime.timedelta(minutes=ago)
        traffic.traffic_report_ingest(
            source=source, segment_code=code, kind=kind, level=level, reported_at=reported,
            valid_until=reported + datetime.timedelta(minutes=valid), description=description,
            now=now)
        reports += 1
    traffic.citizen_report_submit(kind="flooding", lat="10.033500", lon="105.786000",
                                  description="Ngập trước chợ khi triều lên (dữ liệu mẫu)",
                                  is_demo=True)
    _tax_biller(agency=collecting_agency, now=now)
    return {"places": len(made), "products": products, "segments": len(SEGMENTS),
            "reports": reports}


def _tax_biller(*, agency: Agency, now: datetime.datetime) -> None:
    from onestop.billing import services as billing
    from onestop.billing.models import Biller

    biller, _key = billing.biller_create(code="thue-can-tho", kind=Biller.Kind.TAX,
                                         name="Thuế thành phố Cần Thơ (demo)", agency=agency)
    due = (now + datetime.timedelta(days=20)).date()
    records = [{"number": f"TAX-{now:%Y%m}-{i:04d}",
                # The identifier of the amount due on the tax notice (demo numbers).
                "customer_code": f"1192{now:%y}{i:08d}", "customer_name": name,
                "period": now.strftime("%m/%Y"), "amount": amount, "due_date": due.isoformat()}
               for i, (name, amount) in enumerate(TAX_DUE, start=1)]
    billing.bills_import(biller=biller, records=records, source="demo", at=now)
