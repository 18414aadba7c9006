"""The catalog search page is cached for anonymous visitors until the catalog changes."""

from __future__ import annotations

import pytest

from onestop.catalog.models import Fee, Field, RequiredDocument
from onestop.portal.page_cache import catalog_generation

pytestmark = pytest.mark.django_db

URL = "/thu-tuc/?q=khai+sinh"


def test_a_repeated_anonymous_search_runs_no_query(client, city, django_assert_num_queries):
    first = client.get(URL)
    assert first.status_code == 200 and "Đăng ký khai sinh" in first.content.decode()
    with django_assert_num_queries(0):
        again = client.get(URL)
    assert again.content == first.content


def test_a_catalog_change_shows_at_once(client, city):
    client.get(URL)
    before = catalog_generation()
    city.version.name = "Đăng ký khai sinh (mới)"
    city.version.save()
    assert catalog_generation() > before
    assert "Đăng ký khai sinh (mới)" in client.get(URL).content.decode()


@pytest.mark.parametrize("change", ["document", "fee", "field", "agency", "competent"])
def test_every_kind_of_catalog_change_clears_the_cached_pages(client, city, change):
    client.get(URL)
    before = catalog_generation()
    if change == "document":
        RequiredDocument.objects.create(version=city.version, order=9, name="Sổ hộ khẩu")
    elif change == "fee":
        Fee.objects.filter(version=city.version).delete()
    elif change == "field":
        Field.objects.filter(pk=city.version.field_id).get().save()
    elif change == "agency":
        city.justice.name = "Sở Tư pháp thành phố Cần Thơ"
        city.justice.save()
    else:
        city.version.competent_agencies.add(city.centre)
    assert catalog_generation() > before


def test_each_question_and_language_has_its_own_page(client, city):
    vi = client.get(URL).content
    other = client.get("/thu-tuc/?q=ket+hon").content
    assert vi != other
    client.cookies["django_language"] = "en"
    assert client.get(URL).content != vi


def test_a_signed_in_citizen_is_never_served_a_cached_page(client, city, citizen):
    anonymous = client.get(URL).content.decode()
    client.force_login(citizen)
    mine = client.get(URL).content.decode()
    assert citizen.display_name in mine and citizen.display_name not in anonymous
    client.logout()
    assert citizen.display_name not in client.get(URL).content.decode()


def test_the_home_page_is_cached_for_anonymous_visitors_until_the_catalog_changes(
        client, city, citizen, django_assert_num_queries):
    first = client.get("/")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/").content == first.content
    city.version.field.name = "Hộ tịch (đổi tên)"
    city.version.field.save()
    assert "Hộ tịch (đổi tên)" in client.get("/").content.decode()
    client.force_login(citizen)
    assert citizen.display_name in client.get("/").content.decode()
