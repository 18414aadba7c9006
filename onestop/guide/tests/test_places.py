"""Places: who may publish, the province's box, accent-blind ranked search, nearby, photos,
suggested edits reviewed before they show, import all or nothing, export read back."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onestop.core.errors import Conflict, NotAllowed, ValidationFailed
from onestop.core.models import AuditEvent
from onestop.guide.models import Place, PlaceSuggestion, PublishState, ReviewState
from onestop.guide.selectors import place_search, places_near
from onestop.guide.services.places import (
    place_create,
    place_photo_add,
    place_set_state,
    suggestion_review,
    suggestion_submit,
)
from onestop.guide.services.transfer import (
    PlacesImportRefused,
    places_csv,
    places_geojson,
    places_import,
)

from .conftest import image_upload, place_data

pytestmark = pytest.mark.django_db


def test_tourism_staff_publish_a_place_and_the_audit_records_it(guide):
    place = place_create(actor=guide.staff, data=place_data(), publish=True)
    assert place.state == PublishState.PUBLISHED and place.lat == Decimal("10.034100")
    assert AuditEvent.objects.filter(action="guide.place_create", object_id=str(place.pk)).exists()


def test_an_officer_of_another_agency_may_not_create_places(guide):
    with pytest.raises(NotAllowed):
        place_create(actor=guide.outsider, data=place_data())
    with pytest.raises(NotAllowed):
        place_create(actor=guide.citizen, data=place_data())


@pytest.mark.parametrize(("lat", "lon"), [("21.028500", "105.854200"),   # Hà Nội
                                          ("105.788000", "10.034100"),   # swapped
                                          ("abc", "105.7")])
def test_coordinates_outside_the_province_are_refused(guide, lat, lon, english):
    with pytest.raises(ValidationFailed) as exc:
        place_create(actor=guide.staff, data=place_data(lat=lat, lon=lon))
    assert "outside the province" in str(exc.value) or "not a number" in str(exc.value)


def test_bad_opening_hours_and_websites_are_refused(guide):
    with pytest.raises(ValidationFailed):
        place_create(actor=guide.staff,
                     data=place_data(opening_hours={"mon": [["17:00", "07:00"]]}))
    with pytest.raises(ValidationFailed):
        place_create(actor=guide.staff, data=place_data(website="javascript:alert(1)"))


def test_search_ignores_accents_and_case_and_ranks_name_matches_first(guide):
    wharf = place_create(actor=guide.staff, data=place_data(), publish=True)
    market = place_create(actor=guide.staff, publish=True, data=place_data(
        name="Chợ nổi Cái Răng", name_en="Cai Rang Floating Market", commune_code="31147",
        lat="10.005000", lon="105.746000", description="Gần bến Ninh Kiều 6 km"))
    place_create(actor=guide.staff, data=place_data(name="Ninh Kiều nháp"))  # a draft: hidden
    found = list(place_search(query="NINH KIEU"))
    assert found == [wharf, market]  # the name match first, the description match after
    assert list(place_search(query="cho noi cai rang")) == [market]
    assert list(place_search(query="floating market")) == [market]


def test_nearby_sorts_by_distance_and_keeps_to_the_radius(guide):
    wharf = place_create(actor=guide.staff, data=place_data(), publish=True)
    near = place_create(actor=guide.staff, publish=True, data=place_data(
        name="Chợ cổ Cần Thơ", lat="10.031500", lon="105.788300"))
    place_create(actor=guide.staff, publish=True, data=place_data(
        name="Chợ nổi Cái Răng", lat="10.005000", lon="105.746000"))
    found = places_near(lat=Decimal("10.031000"), lon=Decimal("105.788300"), radius_m=1000)
    assert [n.place for n in found] == [near, wharf]
    assert found[0].distance_m < 100 < found[1].distance_m < 1000


def test_photos_are_resized_and_a_file_that_is_not_an_image_is_refused(guide, settings):
    settings.ONESTOP_GUIDE_PHOTO_MAX_PX = 100
    place = place_create(actor=guide.staff, data=place_data(), publish=True)
    photo = place_photo_add(actor=guide.staff, place_id=place.pk,
                            upload=image_upload(size=(400, 200)))
    assert (photo.width, photo.height) == (100, 50)
    assert photo.image.name.endswith(".jpg")
    with pytest.raises(ValidationFailed):
        place_photo_add(actor=guide.staff, place_id=place.pk,
                        upload=SimpleUploadedFile("anh.png", b"%PDF-1.7 not an image"))
    with pytest.raises(ValidationFailed):  # starts like a PNG, is not one
        place_photo_add(actor=guide.staff, place_id=place.pk,
                        upload=SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64))


def test_a_suggested_edit_shows_only_after_review(guide):
    place = place_create(actor=guide.staff, data=place_data(), publish=True)
    suggestion = suggestion_submit(place_id=place.pk, business="Nhà hàng Sông Hậu",
                                   contact="0900000001", changes={"phone": "02923123456"})
    place.refresh_from_db()
    assert place.phone == ""
    suggestion_review(actor=guide.staff, suggestion_id=suggestion.pk, approve=True)
    place.refresh_from_db()
    assert place.phone == "02923123456" and place.version == 2
    with pytest.raises(Conflict):
        suggestion_review(actor=guide.staff, suggestion_id=suggestion.pk, approve=False)


def test_a_suggestion_with_bad_data_is_refused_at_once_and_a_business_may_not_review(guide):
    place = place_create(actor=guide.staff, data=place_data(), publish=True)
    with pytest.raises(ValidationFailed):
        suggestion_submit(place_id=place.pk, business="X", contact="0900000001",
                          changes={"lat": "21.0", "lon": "105.8"})
    new = suggestion_submit(business="Khách sạn Mới", contact="a@example.com",
                            changes=place_data(name="Khách sạn Mới", category="hotel"))
    with pytest.raises(NotAllowed):
        suggestion_review(actor=guide.citizen, suggestion_id=new.pk, approve=True)
    suggestion_review(actor=guide.staff, suggestion_id=new.pk, approve=True)
    new.refresh_from_db()
    assert new.state == ReviewState.APPROVED
    assert new.place is not None and new.place.state == PublishState.PUBLISHED
    assert PlaceSuggestion.objects.count() == 1


def test_a_geojson_import_is_all_or_nothing_and_names_the_failing_features(guide, english):
    good = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [105.788, 10.0341]},
            "properties": place_data()}
    outside = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [105.85, 21.03]},
               "properties": place_data(name="Hồ Gươm")}
    no_point = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": []},
                "properties": place_data(name="X")}
    body = json.dumps({"type": "FeatureCollection", "features": [good, outside, no_point]})
    with pytest.raises(PlacesImportRefused) as exc:
        places_import(actor=guide.staff, data=body.encode(), filename="p.geojson")
    assert Place.objects.count() == 0
    assert [e.split(":")[0] for e in exc.value.errors] == ["Feature 2", "Feature 3"]
    with pytest.raises(PlacesImportRefused):
        places_import(actor=guide.staff, data=b"{not json", filename="p.geojson")


def test_an_export_reads_back_in_geojson_and_csv(guide):
    place_create(actor=guide.staff, data=place_data(approximate=True), publish=True)
    place_create(actor=guide.staff, publish=True, data=place_data(
        name="Chợ nổi Cái Răng", lat="10.005000", lon="105.746000"))
    exported = list(Place.objects.order_by("id"))
    geo = json.dumps(places_geojson(exported)).encode()
    csv_text = places_csv(exported).encode()
    Place.objects.all().delete()
    back = places_import(actor=guide.staff, data=geo, filename="x.geojson")
    assert [(p.name, p.lat, p.lon, p.approximate) for p in back] == [
        ("Bến Ninh Kiều", Decimal("10.034100"), Decimal("105.788000"), True),
        ("Chợ nổi Cái Răng", Decimal("10.005000"), Decimal("105.746000"), False)]
    again = places_import(actor=guide.staff, data=csv_text, filename="x.csv")
    assert [(p.name, p.lat, p.approximate) for p in again] == [
        (p.name, p.lat, p.approximate) for p in back]


def test_a_csv_import_names_every_bad_line(guide, english):
    text = ("name,category,commune_code,lat,lon\n"
            "Bến Ninh Kiều,destination,31135,10.0341,105.788\n"
            "Sai,unknown,31135,10.03,105.78\n"
            "Xa,destination,99999,10.03,105.78\n")
    with pytest.raises(PlacesImportRefused) as exc:
        places_import(actor=guide.staff, data=text.encode(), filename="p.csv")
    assert [e.split(":")[0] for e in exc.value.errors] == ["Line 3", "Line 4"]
    assert Place.objects.count() == 0


def test_hidden_places_leave_the_search(guide):
    place = place_create(actor=guide.staff, data=place_data(), publish=True)
    place_set_state(actor=guide.staff, place_id=place.pk, state=PublishState.HIDDEN)
    assert list(place_search(query="ninh kieu")) == []
