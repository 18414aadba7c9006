from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onestop.agencies.models import Agency, Role
from onestop.testing import make_user


@dataclass
class Guide:
    office: Agency
    staff: Any      # tourism office staff
    outsider: Any   # an officer of another agency: no guide rights
    citizen: Any


@pytest.fixture
def guide(db) -> Guide:
    office = Agency.objects.create(code="000.00.09.H99", name="Sở Văn hóa, Thể thao và Du lịch",
                                   name_en="Department of Culture, Sports and Tourism",
                                   kind=Agency.Kind.DEPARTMENT)
    other = Agency.objects.create(code="000.00.08.H99", name="Sở Tư pháp",
                                  kind=Agency.Kind.DEPARTMENT)
    return Guide(office=office,
                 staff=make_user("dulich", "Nguyễn Du Lịch", **{Role.TOURISM: office}),
                 outsider=make_user("canbo", "Trần Cán Bộ", officer=other),
                 citizen=make_user("congdan", "Lê Công Dân"))


def place_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": "Bến Ninh Kiều", "name_en": "Ninh Kieu Wharf",
                            "category": "destination", "commune_code": "31135",
                            "address": "Đường Hai Bà Trưng", "lat": "10.034100",
                            "lon": "105.788000"}
    data.update(overrides)
    return data


def image_upload(name: str = "anh.png", size: tuple[int, int] = (40, 30),
                 fmt: str = "PNG") -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def make_guide_data() -> tuple[int, int, str, str]:
    """One published place, one 4-star OCOP product, one segment and a source's key:
    (place id, product id, segment code, API key)."""
    import datetime

    from django.utils import timezone

    from onestop.guide.services.ocop import producer_register, producer_review, product_create
    from onestop.guide.services.places import place_create
    from onestop.guide.services.traffic import segment_create, traffic_source_create

    office = Agency.objects.create(code="000.00.19.H99", name="Sở Văn hóa, Thể thao và Du lịch",
                                   kind=Agency.Kind.DEPARTMENT)
    staff = make_user("dulich.contract", "Nguyễn Du Lịch", **{Role.TOURISM: office})
    place = place_create(actor=staff, data=place_data(), publish=True)
    producer = producer_register(name="HTX Bánh pía", kind="cooperative", commune_code="31135")
    producer_review(actor=staff, producer_id=producer.pk, approve=True)
    today = timezone.localdate()
    product = product_create(actor=staff, producer_id=producer.pk, publish=True, data={
        "name": "Bánh pía", "category": "food", "stars": 4, "decision_number": "12/QĐ-UBND",
        "decision_date": today - datetime.timedelta(days=10), "decision_authority": "UBND",
        "certificate_expires": today + datetime.timedelta(days=1000), "price": 85000})
    segment = segment_create(actor=staff, code="hai-ba-trung-1", name="Hai Bà Trưng",
                             from_name="Nguyễn Thái Học", to_name="Điện Biên Phủ",
                             geometry={"type": "LineString",
                                       "coordinates": [[105.784, 10.033], [105.788, 10.0341]]})
    _source, key = traffic_source_create(actor=staff, code="contract", name="Contract")
    return place.pk, product.pk, segment.code, key
