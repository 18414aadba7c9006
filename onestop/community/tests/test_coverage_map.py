"""The coverage map: GeoJSON outlines imported, communes drawn shaded by the share reached;
without outlines, a ranked chart."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onestop.community import maps
from onestop.community.models import CommuneBoundary
from onestop.community.services import (
    BoundariesRefused,
    boundaries_import,
    commune_households_set,
)
from onestop.core.errors import NotAllowed

pytestmark = pytest.mark.django_db


def square(lon: float, lat: float, size: float = 0.02) -> list[list[list[float]]]:
    return [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size],
             [lon, lat]]]


def geojson(*features: dict) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def feature(code: str, lon: float, lat: float, key: str = "ma_xa") -> dict:
    return {"type": "Feature", "properties": {key: code},
            "geometry": {"type": "Polygon", "coordinates": square(lon, lat)}}


def test_outlines_are_imported_and_the_map_shades_each_commune(client, teams, city):
    commune_households_set(commune=teams.ninhkieu, registered=100)
    count = boundaries_import(actor=None, data=geojson(
        feature("31135", 105.77, 10.03), feature("31120", 105.79, 10.05, key="code")))
    assert count == 2 and CommuneBoundary.objects.count() == 2
    client.force_login(city.leader)
    page = client.get(reverse("backoffice:community"))
    drawn = page.context["map"]
    assert {a.code for a in drawn.areas} == {"31135", "31120"}
    by_code = {a.code: a for a in drawn.areas}
    assert by_code["31135"].fill == maps.shade(Decimal(0))
    assert by_code["31120"].fill == maps.NO_DATA  # no household count
    assert by_code["31135"].path.startswith("M") and by_code["31135"].path.endswith("Z")
    assert 'id="coverage-map"' in page.content.decode()


def test_without_outlines_the_page_shows_the_ranked_chart(client, teams, city):
    client.force_login(city.leader)
    page = client.get(reverse("backoffice:community"))
    assert page.context["map"] is None and 'id="coverage-chart"' in page.content.decode()


@pytest.mark.parametrize("data", [
    b"not json", b"[]", geojson(), geojson(feature("99999", 105.7, 10.0)),
    geojson({"type": "Feature", "properties": {"code": "31135"},
             "geometry": {"type": "Point", "coordinates": [105.7, 10.0]}}),
    geojson({"type": "Feature", "properties": {},
             "geometry": {"type": "Polygon", "coordinates": square(105.7, 10.0)}}),
])
def test_a_bad_geojson_file_imports_nothing(teams, data):
    with pytest.raises(BoundariesRefused):
        boundaries_import(actor=None, data=data)
    assert not CommuneBoundary.objects.exists()


def test_only_the_city_imports_boundaries(client, teams, city):
    with pytest.raises(NotAllowed):
        boundaries_import(actor=teams.leader.user, data=geojson(feature("31135", 105.7, 10.0)))
    client.force_login(city.leader)
    r = client.post(reverse("backoffice:community_boundaries_import"), {"file": SimpleUploadedFile(
        "xa.geojson", geojson(feature("31135", 105.7, 10.0)), "application/geo+json")})
    assert r.status_code == 302 and CommuneBoundary.objects.count() == 1


def test_shades_go_darker_with_the_share():
    fills = [maps.shade(Decimal(n)) for n in (0, 6, 12, 30, 80)]
    assert len(set(fills)) == 5 and maps.shade(None) == maps.NO_DATA
