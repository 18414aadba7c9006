"""The city guide's pages: search, nearby, map without tiles, OCOP pages and feeds, traffic
(stale is never current), a citizen's report, the tax page."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from onestop.guide.models import CitizenReport, PlaceSuggestion
from onestop.guide.services.places import place_create
from onestop.guide.services.traffic import traffic_report_ingest
from onestop.guide.tests.conftest import (  # noqa: F401
    guide,
    image_upload,
    make_guide_data,
    place_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db):
    return make_guide_data()


def test_search_is_accent_blind_and_nearby_names_the_distance(client, data):
    r = client.get("/dia-diem/", {"q": "BEN NINH KIEU"})
    assert r.status_code == 200 and "Bến Ninh Kiều" in r.content.decode()
    r = client.get("/dia-diem/", {"lat": "10.0340", "lon": "105.7880", "radius_m": "500"})
    assert re.search(r"\d+ m", r.content.decode())


def test_a_point_outside_the_province_is_a_400_with_the_reason(client, data):
    r = client.get("/dia-diem/", {"lat": "21.03", "lon": "105.85"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400


def test_the_map_page_loads_leaflet_from_this_site_and_lists_the_places(client, data):
    r = client.get("/dia-diem/ban-do/")
    html = r.content.decode()
    assert "/static/leaflet/leaflet.js" in html and "/static/portal/guide-map.js" in html
    assert not re.search(r'(src|href)="https?://', html)  # nothing from another host
    config = json.loads(re.search(r'id="map-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert config["tiles"] == "" and config["features"][0]["name"] == "Bến Ninh Kiều"
    assert "without a background map" in html or "không có bản đồ nền" in html


def test_a_place_page_shows_hours_and_the_tet_closure(client, guide):  # noqa: F811
    hours = {d: [["07:00", "21:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    p = place_create(actor=guide.staff, publish=True,
                     data=place_data(opening_hours=hours, closed_at_tet=True))
    client.cookies["django_language"] = "en"
    r = client.get(f"/dia-diem/{p.pk}/")
    assert r.status_code == 200 and "Tết" in r.content.decode()
    assert "Ninh Kieu Wharf" in r.content.decode()  # the English name in English


def test_a_business_suggestion_waits_for_review(client, data):
    place_id = data[0]
    r = client.post(f"/dia-diem/{place_id}/de-nghi-sua/",
                    {"business": "Nhà hàng", "contact": "0900000001", "phone": "02923999999"})
    assert r.status_code == 200
    [s] = PlaceSuggestion.objects.all()
    assert s.changes == {"phone": "02923999999"} and s.state == "pending"


def test_the_product_page_carries_schema_org_product_data(client, data):
    r = client.get(f"/ocop/{data[1]}/")
    ld = json.loads(re.search(r'id="product-ld"[^>]*>(.*?)</script>', r.content.decode(),
                              re.S).group(1))
    assert ld["@type"] == "Product" and ld["offers"]["priceCurrency"] == "VND"


def test_the_showcase_filters_by_stars_and_the_feeds_list_the_products(client, data):
    assert "Bánh pía" in client.get("/ocop/", {"stars": "4"}).content.decode()
    assert "Bánh pía" not in client.get("/ocop/", {"stars": "5"}).content.decode()
    feed = client.get("/ocop/feed.json").json()
    assert feed["products"][0]["stars"] == 4
    csv_text = client.get("/ocop/feed.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("id,name,category,stars")


def test_the_export_downloads_geojson_and_csv(client, data):
    geo = json.loads(client.get("/dia-diem/xuat.geojson").content)
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 1
    assert client.get("/dia-diem/xuat.csv").content.decode().startswith("name,")


def test_an_expired_report_reads_out_of_date_not_current(client, data):
    from onestop.guide.models import TrafficSource

    source = TrafficSource.objects.get()
    now = timezone.now()
    traffic_report_ingest(source=source, segment_code=data[2], kind="flooding",
                          level="blocked", reported_at=now - datetime.timedelta(hours=5),
                          valid_until=now - datetime.timedelta(hours=4))
    assert "Tin đã cũ" in client.get("/giao-thong/").content.decode()
    client.cookies["django_language"] = "en"
    assert "Out of date" in client.get("/giao-thong/").content.decode()


def test_a_citizen_report_with_a_photo_is_kept_for_review(client, data):
    r = client.post("/giao-thong/bao-tin/", {"kind": "flooding", "lat": "10.0335",
                                            "lon": "105.786", "description": "Ngập sâu",
                                            "photo": image_upload()})
    assert r.status_code == 302
    assert CitizenReport.objects.get().state == "pending"
    r = client.post("/giao-thong/bao-tin/", {"kind": "flooding", "lat": "21.0", "lon": "105.8",
                                            "description": "x"})
    assert r.status_code == 400


def test_the_tax_page_links_the_national_e_tax_services(client, db):
    html = client.get("/thue/").content.decode()
    assert "thuedientu.gdt.gov.vn" in html and "canhan.gdt.gov.vn" in html


def test_a_producer_registers_is_approved_and_lists_its_product(client, guide):  # noqa: F811
    from onestop.guide.models import OcopProduct, Producer
    from onestop.guide.services.ocop import producer_review

    client.force_login(guide.citizen)
    r = client.post("/ocop/cua-toi/", {"action": "register", "name": "HTX Dừa",
                                       "kind": "cooperative", "commune": "31135"})
    assert r.status_code == 302
    producer = Producer.objects.get(manager=guide.citizen)
    today = timezone.localdate()
    product = {"action": "product", "producer": producer.pk, "name": "Kẹo dừa",
               "category": "food", "stars": "3", "decision_number": "9/QĐ",
               "decision_date": (today - datetime.timedelta(days=3)).isoformat(),
               "decision_authority": "UBND",
               "certificate_expires": (today + datetime.timedelta(days=300)).isoformat()}
    assert client.post("/ocop/cua-toi/", product).status_code == 400  # not approved yet
    producer_review(actor=guide.staff, producer_id=producer.pk, approve=True)
    assert client.post("/ocop/cua-toi/", product).status_code == 302
    made = OcopProduct.objects.get()
    client.post("/ocop/cua-toi/", {"action": "state", "product": made.pk, "state": "published"})
    assert "Kẹo dừa" in client.get("/ocop/").content.decode()
    expired = {**product, "certificate_expires": (today - datetime.timedelta(days=1)).isoformat()}
    r = client.post("/ocop/cua-toi/", expired)
    assert r.status_code == 400 and OcopProduct.objects.count() == 1


def test_a_producer_edits_its_product_and_adds_a_photo(client, guide):  # noqa: F811
    from onestop.guide.models import OcopProduct
    from onestop.guide.services.ocop import producer_register, producer_review, product_create

    producer = producer_register(name="HTX Dừa", kind="cooperative", commune_code="31135",
                                 manager=guide.citizen)
    producer_review(actor=guide.staff, producer_id=producer.pk, approve=True)
    today = timezone.localdate()
    made = product_create(actor=guide.citizen, producer_id=producer.pk, data={
        "name": "Kẹo dừa", "category": "food", "stars": "3", "decision_number": "9/QĐ",
        "decision_date": (today - datetime.timedelta(days=3)).isoformat(),
        "decision_authority": "UBND",
        "certificate_expires": (today + datetime.timedelta(days=300)).isoformat()})
    client.force_login(guide.citizen)
    page = client.get("/ocop/cua-toi/").content.decode()
    assert 'value="update"' in page and 'value="photo"' in page
    r = client.post("/ocop/cua-toi/", {"action": "update", "product": made.pk, "price": "45000",
                                       "unit": "hộp 400 g", "description": "Kẹo dừa sáp"})
    assert r.status_code == 302
    made.refresh_from_db()
    assert made.price == 45000 and made.unit == "hộp 400 g"
    r = client.post("/ocop/cua-toi/", {"action": "update", "product": made.pk,
                                       "certificate_expires": (
                                           today - datetime.timedelta(days=1)).isoformat()})
    assert r.status_code == 400  # an expired certificate is refused, the product unchanged
    made.refresh_from_db()
    assert made.certificate_expires > today
    r = client.post("/ocop/cua-toi/", {"action": "photo", "product": made.pk,
                                       "photo": image_upload()})
    assert r.status_code == 302 and made.photos.count() == 1
    r = client.post("/ocop/cua-toi/", {"action": "photo", "product": made.pk,
                                       "photo": SimpleUploadedFile("x.jpg", b"<html>")})
    assert r.status_code == 400 and made.photos.count() == 1
    # Another citizen's account cannot change it.
    from onestop.accounts.services import citizen_sign_up

    client.force_login(citizen_sign_up(full_name="Lê Văn Tám", cccd="092090005678",
                                       phone="0900000002", password="mat-khau-an-toan-2026"))
    r = client.post("/ocop/cua-toi/", {"action": "update", "product": made.pk, "price": "1"})
    assert r.status_code == 400
    assert OcopProduct.objects.get(pk=made.pk).price == 45000
