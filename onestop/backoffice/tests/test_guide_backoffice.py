"""The city guide's back office: only the tourism office's staff, reviews through the services."""

from __future__ import annotations

import json

import pytest

from onestop.guide.models import PlaceSuggestion, Producer
from onestop.guide.services.ocop import producer_register
from onestop.guide.services.places import place_create, suggestion_submit
from onestop.guide.tests.conftest import guide, place_data  # noqa: F401

pytestmark = pytest.mark.django_db


def test_only_tourism_staff_open_the_guide_area(client, guide):  # noqa: F811
    client.force_login(guide.outsider)
    assert client.get("/backoffice/cam-nang/").status_code == 403
    client.force_login(guide.staff)
    assert client.get("/backoffice/cam-nang/").status_code == 200


def test_staff_approve_a_suggestion_and_a_producer(client, guide):  # noqa: F811
    place = place_create(actor=guide.staff, data=place_data(), publish=True)
    s = suggestion_submit(place_id=place.pk, business="B", contact="0900000001",
                          changes={"phone": "02923000000"})
    p = producer_register(name="HTX", kind="cooperative", commune_code="31135")
    client.force_login(guide.staff)
    client.post(f"/backoffice/cam-nang/suggestion/{s.pk}/", {"decision": "approve"})
    client.post(f"/backoffice/cam-nang/producer/{p.pk}/", {"decision": "reject"})
    assert PlaceSuggestion.objects.get().state == "approved"
    assert Producer.objects.get().state == "rejected"


def test_an_import_with_a_bad_row_names_it_and_imports_nothing(client, guide):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [105.85, 21.03]},
         "properties": place_data()}]}).encode()
    client.force_login(guide.staff)
    r = client.post("/backoffice/cam-nang/dia-diem/",
                    {"file": SimpleUploadedFile("p.geojson", body)})
    assert r.status_code == 422 and "Đối tượng 1" in r.content.decode()
    from onestop.guide.models import Place

    assert Place.objects.count() == 0


def test_a_new_source_shows_its_key_once(client, guide):  # noqa: F811
    client.force_login(guide.staff)
    import re

    r = client.post("/backoffice/cam-nang/nguon-tin/", {"code": "cam", "name": "Camera"})
    key = re.search(r"<code>(tk_[\w-]{40,})</code>", r.content.decode()).group(1)
    assert key not in client.get("/backoffice/cam-nang/nguon-tin/").content.decode()


def test_staff_create_a_place_with_hours_and_a_photo_then_edit_it(client, guide, tmp_path,  # noqa: F811
                                                                  settings):
    from onestop.guide.models import Place
    from onestop.guide.tests.conftest import image_upload

    settings.MEDIA_ROOT = tmp_path
    client.force_login(guide.staff)
    r = client.post("/backoffice/cam-nang/dia-diem/moi/", {
        "name": "Chợ nổi Cái Răng", "category": "destination", "commune_code": "31186",
        "lat": "10.0061", "lon": "105.7488", "opening_hours": "mon: 05:00-09:00\nsun: 05:00-09:00",
        "closed_at_tet": "1", "publish": "1", "photo": image_upload()})
    assert r.status_code == 302, r.content[:300]
    place = Place.objects.get()
    assert place.state == "published" and place.opening_hours["sun"] == [["05:00", "09:00"]]
    assert place.photos.count() == 1
    r = client.post(f"/backoffice/cam-nang/dia-diem/{place.pk}/", {
        "name": "Chợ nổi Cái Răng", "category": "destination", "commune_code": "31186",
        "lat": "10.0061", "lon": "105.7488", "phone": "02923000000", "version": place.version})
    assert r.status_code == 302
    place.refresh_from_db()
    assert place.phone == "02923000000" and place.version == 2
    r = client.post(f"/backoffice/cam-nang/dia-diem/{place.pk}/", {
        "name": "X", "category": "destination", "commune_code": "31186", "lat": "10.0061",
        "lon": "105.7488", "version": 1})  # a stale version: someone changed it meanwhile
    assert r.status_code == 400
    r = client.post("/backoffice/cam-nang/dia-diem/moi/", {
        "name": "Y", "category": "food", "commune_code": "31135", "lat": "10.03",
        "lon": "105.78", "opening_hours": "every day 7 to 5"})
    assert r.status_code == 400 and Place.objects.count() == 1
