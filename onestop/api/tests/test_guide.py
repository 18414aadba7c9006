"""/api/v1/places, /ocop/products, /traffic/…: the exact shapes the issue names."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from onestop.guide.services.ocop import producer_register, producer_review, product_create
from onestop.guide.services.places import place_create
from onestop.guide.services.traffic import (
    segment_create,
    traffic_key_revoke,
    traffic_report_ingest,
    traffic_source_create,
)
from onestop.guide.tests.conftest import Guide, guide, place_data  # noqa: F401

pytestmark = pytest.mark.django_db
LINE = {"type": "LineString", "coordinates": [[105.7840, 10.0330], [105.7880, 10.0341]]}


@pytest.fixture
def places(guide):  # noqa: F811
    wharf = place_create(actor=guide.staff, data=place_data(), publish=True)
    market = place_create(actor=guide.staff, publish=True, data=place_data(
        name="Chợ nổi Cái Răng", name_en="Cai Rang Floating Market", lat="10.005000",
        lon="105.746000"))
    return wharf, market


def test_text_search_is_accent_blind_with_the_named_fields(client, places):
    r = client.get("/api/v1/places", {"q": "cho noi"})
    assert r.status_code == 200
    [item] = r.json()["items"]
    assert set(item) >= {"id", "name", "category", "lat", "lon"}
    assert (item["id"], item["name"], item["lat"], item["lon"]) == (
        places[1].pk, "Chợ nổi Cái Răng", 10.005, 105.746)


def test_english_names_follow_accept_language(client, places):
    r = client.get("/api/v1/places", {"q": "cai rang"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["items"][0]["name"] == "Cai Rang Floating Market"


def test_nearby_is_sorted_by_distance_with_distance_m(client, places):
    r = client.get("/api/v1/places", {"near": "10.0300,105.7800", "radius_m": 10000})
    items = r.json()["items"]
    assert [i["id"] for i in items] == [places[0].pk, places[1].pk]
    assert 0 < items[0]["distance_m"] < items[1]["distance_m"] <= 10000
    r = client.get("/api/v1/places", {"near": "10.0300,105.7800", "radius_m": 1500})
    assert [i["id"] for i in r.json()["items"]] == [places[0].pk]


def test_a_point_outside_the_province_is_a_clear_400(client, places):
    r = client.get("/api/v1/places", {"near": "21.0285,105.8542"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400
    assert "outside the province" in r.json()["message"]
    r = client.get("/api/v1/places", {"near": "nowhere"})
    assert r.status_code == 400


def test_lists_answer_304_to_their_etag(client, places):
    first = client.get("/api/v1/places")
    again = client.get("/api/v1/places", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_cursor_pages_walk_the_whole_list(client, guide):  # noqa: F811
    for n in range(53):
        place_create(actor=guide.staff, publish=True,
                     data=place_data(name=f"Quán {n:02d}", category="food"))
    first = client.get("/api/v1/places", {"category": "food"}).json()
    second = client.get("/api/v1/places", {"category": "food", "cursor": first["next"]}).json()
    assert len(first["items"]) == 50 and len(second["items"]) == 3 and second["next"] is None


def test_ocop_products_filter_by_stars(client, guide):  # noqa: F811
    producer = producer_register(name="HTX Rau", kind="cooperative", commune_code="31135")
    producer_review(actor=guide.staff, producer_id=producer.pk, approve=True)
    today = timezone.localdate()
    made = {}
    for stars in (3, 4, 5):
        made[stars] = product_create(actor=guide.staff, producer_id=producer.pk, publish=True,
                                     data={"name": f"Sản phẩm {stars} sao", "category": "food",
                                           "stars": stars, "decision_number": f"{stars}/QĐ",
                                           "decision_date": today - datetime.timedelta(days=5),
                                           "decision_authority": "UBND",
                                           "certificate_expires":
                                               today + datetime.timedelta(days=1000)})
    r = client.get("/api/v1/ocop/products", {"stars": 4})
    assert [i["id"] for i in r.json()["items"]] == [made[4].pk]
    assert client.get("/api/v1/ocop/products", {"stars": 2}).status_code == 422


@pytest.fixture
def traffic(guide):  # noqa: F811
    road = segment_create(actor=guide.staff, code="hbt-1", name="Hai Bà Trưng",
                          from_name="A", to_name="B", geometry=LINE)
    old = segment_create(actor=guide.staff, code="30-4-1", name="Đường 30/4",
                         from_name="C", to_name="D", geometry=LINE)
    source, key = traffic_source_create(actor=guide.staff, code="ttdh", name="Trung tâm")
    return road, old, source, key


def test_segments_say_status_reported_at_and_stale(client, traffic):
    road, old, source, _key = traffic
    now = timezone.now()
    traffic_report_ingest(source=source, segment_code=road.code, kind="flooding",
                          level="congested", reported_at=now,
                          valid_until=now + datetime.timedelta(hours=1))
    traffic_report_ingest(source=source, segment_code=old.code, kind="congestion",
                          level="blocked", reported_at=now - datetime.timedelta(hours=3),
                          valid_until=now - datetime.timedelta(hours=2))
    items = {i["code"]: i for i in client.get("/api/v1/traffic/segments").json()["items"]}
    assert (items["hbt-1"]["status"], items["hbt-1"]["stale"]) == ("congested", False)
    assert (items["30-4-1"]["status"], items["30-4-1"]["stale"]) == ("unknown", True)
    assert items["30-4-1"]["last_status"] == "blocked" and items["30-4-1"]["reported_at"]
    history = client.get("/api/v1/traffic/segments/hbt-1").json()
    assert [r["kind"] for r in history["reports"]] == ["flooding"]


def _post(client, key, **body):
    now = timezone.now()
    data = {"segment": "hbt-1", "kind": "congestion", "level": "slow",
            "reported_at": now.isoformat(),
            "valid_until": (now + datetime.timedelta(minutes=30)).isoformat(), **body}
    headers = {"HTTP_X_API_KEY": key} if key is not None else {}
    return client.post("/api/v1/traffic/reports", data, content_type="application/json",
                       HTTP_ACCEPT_LANGUAGE="en", **headers)


def test_a_source_posts_a_report_with_its_key(client, traffic):
    _road, _old, _source, key = traffic
    r = _post(client, key, id="ev-1")
    assert r.status_code == 201 and r.json()["created"] is True
    again = _post(client, key, id="ev-1")
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
    items = {i["code"]: i for i in client.get("/api/v1/traffic/segments").json()["items"]}
    assert items["hbt-1"]["status"] == "slow"


def test_a_wrong_missing_or_revoked_key_is_401(client, guide, traffic):  # noqa: F811
    _road, _old, _source, key = traffic
    assert _post(client, "tk_wrong").status_code == 401
    assert _post(client, None).status_code == 401
    traffic_key_revoke(actor=guide.staff, prefix=key[:12])
    r = _post(client, key)
    assert r.status_code == 401 and "revoked" in r.json()["message"]


def test_a_report_for_an_unknown_segment_is_422_naming_it(client, traffic):
    _road, _old, _source, key = traffic
    r = _post(client, key, segment="khong-co")
    assert r.status_code == 422 and "khong-co" in r.json()["message"]


def test_a_citizen_reports_flooding_with_a_photo_and_it_waits_for_review(client, traffic):
    from onestop.guide.models import CitizenReport
    from onestop.guide.tests.conftest import image_upload

    r = client.post("/api/v1/traffic/citizen-reports", {
        "kind": "flooding", "lat": "10.0335", "lon": "105.786", "description": "Ngập",
        "photo": image_upload()})
    assert r.status_code == 201, r.content
    assert r.json()["state"] == "pending" and r.json()["segment"] == "hbt-1"
    assert CitizenReport.objects.get().photo.name.endswith(".jpg")
    items = {i["code"]: i for i in client.get("/api/v1/traffic/segments").json()["items"]}
    assert items["hbt-1"]["status"] == "unknown"  # not shown before review


def test_a_citizen_report_outside_the_province_or_with_a_pdf_is_refused(client, traffic):
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post("/api/v1/traffic/citizen-reports", {
        "kind": "flooding", "lat": "21.03", "lon": "105.85", "description": "x"},
        HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and "outside the province" in r.json()["message"]
    r = client.post("/api/v1/traffic/citizen-reports", {
        "kind": "flooding", "lat": "10.0335", "lon": "105.786", "description": "x",
        "photo": SimpleUploadedFile("a.png", b"%PDF-1.7 x")})
    assert r.status_code == 400
