"""The city guide in Chromium with every other host blocked (no tiles, no CDN), at 1280 and
360 px: the places search (accent-blind, then nearby), the map page (Leaflet from this site
draws the places over a plain background and their popups link to the place), the traffic
map (a current and a stale segment) and the OCOP showcase. axe-core finds no serious or
critical violation and nothing scrolls sideways at 360 px."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from onestop.guide.models import TrafficSource
from onestop.guide.services.traffic import segment_create, traffic_report_ingest
from onestop.guide.tests.conftest import make_guide_data

from .browser import PHONE, check_page, local_only

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "360"])
def test_search_map_and_traffic_work_with_no_other_host(site: str, new_context: Any,
                                                        viewport: dict[str, int]) -> None:
    from django.conf import settings

    from onestop.accounts.models import User
    from onestop.agencies.services import units_import

    # A transactional test empties every table when it ends, the units the migration
    # imported included: import them again when an earlier test left none.
    units_import(province_code=settings.ONESTOP_PROVINCE_CODE)
    _place, _product, code, _key = make_guide_data()
    staff = User.objects.get(username="dulich.contract")
    segment_create(actor=staff, code="cmt8-1", name="Cách Mạng Tháng Tám", from_name="A",
                   to_name="B", geometry={"type": "LineString", "coordinates": [
                       [105.7812, 10.0371], [105.7760, 10.0440]]})
    source = TrafficSource.objects.get()
    now = timezone.now()
    traffic_report_ingest(source=source, segment_code=code, kind="flooding", level="slow",
                          reported_at=now, valid_until=now + datetime.timedelta(hours=1))
    traffic_report_ingest(source=source, segment_code="cmt8-1", kind="congestion",
                          level="blocked", reported_at=now - datetime.timedelta(hours=3),
                          valid_until=now - datetime.timedelta(hours=2))
    context = new_context(viewport=viewport)
    blocked = local_only(context, site)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    problems: list[str] = []

    page.goto(f"{site}/dia-diem/")
    page.fill("#q", "ben ninh kieu")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".place-list a", has_text="Bến Ninh Kiều").count() == 1
    check_page(page, "search", problems)
    page.fill("#q", "")
    page.fill("#lat", "10.0338")
    page.fill("#lon", "105.7880")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".place-list .meta", has_text=" m").count() == 1  # "cách 36 m"
    check_page(page, "nearby", problems)

    page.goto(f"{site}/dia-diem/ban-do/")
    page.wait_for_selector("#map path.leaflet-interactive")  # the marker, drawn by Leaflet
    assert page.locator("#map.map--plain").count() == 1  # no tiles: a plain background
    assert page.locator("#map img.leaflet-tile").count() == 0
    page.locator("#map path.leaflet-interactive").first.click(force=True)
    assert page.locator(".leaflet-popup a", has_text="Bến Ninh Kiều").count() == 1
    page.wait_for_timeout(400)  # the popup fades in (0.2 s): judge its colours once opaque
    check_page(page, "map", problems)

    page.goto(f"{site}/giao-thong/")
    page.wait_for_selector("#map path.leaflet-interactive")
    assert page.locator("#map path.leaflet-interactive").count() == 2
    assert page.locator(f"#segment-{code} .traffic-status--slow").count() == 1
    assert page.locator("#segment-cmt8-1", has_text="Tin đã cũ").count() == 1
    check_page(page, "traffic", problems)

    page.goto(f"{site}/ocop/?stars=4")
    assert page.locator(".product-list a", has_text="Bánh pía").count() == 1
    check_page(page, "ocop", problems)

    assert problems == []
    assert errors == []
    assert blocked == []
