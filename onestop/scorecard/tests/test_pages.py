"""The leaders' pages, the drill-down to the late dossiers, exports, the public page."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onestop.scorecard import rollups
from onestop.scorecard.tests.world import build, counter
from onestop.testing import make_user, vn

pytestmark = pytest.mark.django_db
Q = "?start=2026-03-01&end=2026-03-31"


@pytest.fixture
def world(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = build(city)
    rollups.refresh()
    return w


def test_only_leaders_admins_and_superusers_see_the_scorecard(client, world, city):
    url = reverse("backoffice:scorecard")
    assert client.get(url).status_code == 302
    client.force_login(city.officer)
    assert client.get(url).status_code == 403
    client.force_login(city.leader)
    assert client.get(url + Q).status_code == 200
    boss = make_user("dto", "Văn phòng CĐS")
    boss.is_superuser = True
    boss.save()
    client.force_login(boss)
    assert client.get(url + Q).status_code == 200


def test_drill_down_from_city_to_unit_to_procedure_to_the_late_dossiers(client, world, city):
    client.force_login(city.leader)
    page = client.get(reverse("backoffice:scorecard") + Q).content.decode()
    unit_url = reverse("backoffice:scorecard_unit", args=[city.justice.pk])
    assert unit_url in page
    page = client.get(unit_url + Q).content.decode()
    late_url = reverse("backoffice:scorecard_late", args=[city.justice.pk,
                                                city.version.procedure_id])
    assert late_url in page
    page = client.get(late_url + Q).content.decode()
    for late in (world.b, world.c):
        assert reverse("backoffice:dossier", args=[late.pk]) in page and late.code in page
    for on_time in (world.a, world.f):
        assert on_time.code not in page
    assert "<svg" in client.get(unit_url + Q).content.decode()


@pytest.mark.parametrize("table", ["indicators", "groups", "ranking", "trend", "targets"])
def test_every_city_table_downloads_as_csv_and_xlsx(client, world, city, table):
    from openpyxl import load_workbook

    client.force_login(city.leader)
    csv = client.get(reverse("backoffice:scorecard_export", args=[table, "csv"]) + Q + "&unit=0")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    xlsx = client.get(reverse("backoffice:scorecard_export", args=[table, "xlsx"]) + Q + "&unit=0")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == len(lines)


def test_unit_and_late_tables_download(client, world, city):
    client.force_login(city.leader)
    url = reverse("backoffice:scorecard_export", args=["procedures", "csv"])
    text = client.get(url + Q + f"&unit={city.justice.pk}").content.decode("utf-8-sig")
    assert city.version.procedure.code in text
    url = reverse("backoffice:scorecard_export", args=["late", "csv"])
    text = client.get(url + Q + f"&unit={city.justice.pk}"
                      f"&procedure={city.version.procedure_id}").content.decode("utf-8-sig")
    assert world.b.code in text and world.c.code in text and world.a.code not in text


def test_the_public_page_shows_rates_and_no_personal_data(client, world, city):
    response = client.get(reverse("portal:transparency") + "?year=2026")
    assert response.status_code == 200
    text = response.content.decode()
    assert city.justice.name in text and "50 %" in text  # 2 of 4 on time, no decimals when whole
    for d in (world.a, world.c):
        assert d.applicant_name not in text and d.code not in text
    export = client.get(reverse("portal:transparency_export", args=["csv"]) + "?year=2026")
    assert export.status_code == 200 and world.c.applicant_name not in export.content.decode()


def test_dashboard_queries_do_not_grow_with_the_number_of_dossiers(client, world, city):
    client.force_login(city.leader)
    url = reverse("backoffice:scorecard") + Q
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for hour in (8, 9, 10, 13, 14, 15):
        counter(city, at=vn(2026, 3, 16, hour))
    rollups.refresh()
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second) == len(first)


def test_managers_enter_values_and_targets_through_the_page(client, world, city):
    client.force_login(city.admin)
    url = reverse("backoffice:scorecard_manage")
    response = client.post(url, {
        "value-indicator_code": "data_reuse", "value-agency": city.justice.pk,
        "value-period_start": "2026-03-01", "value-period_end": "2026-03-31",
        "value-numerator": "90", "value-denominator": "100",
        "value-evidence": "Báo cáo tái sử dụng dữ liệu số"})
    assert response.status_code == 302
    response = client.post(url, {
        "target-agency": city.justice.pk, "target-indicator_code": "on_time",
        "target-baseline": "0.4", "target-target": "0.9", "target-start_date": "2026-03-01",
        "target-due_date": "2026-03-31"})
    assert response.status_code == 302
    client.force_login(city.leader)
    assert client.post(url, {"target-indicator_code": "on_time"}).status_code == 403
    unit = reverse("backoffice:scorecard_unit", args=[city.justice.pk])
    page = client.get(unit + Q).content.decode()
    assert "Báo cáo tái sử dụng dữ liệu số" in page


@pytest.mark.parametrize(("language", "rate", "wrong"), [("vi", "50 %", "50.00 %"),
                                                         ("en", "50 %", "50,00 %")])
def test_one_number_format_per_language_and_unit_names_in_full(client, world, city, language,
                                                               rate, wrong):
    import re

    client.force_login(city.leader)
    client.cookies["django_language"] = language
    body = client.get(reverse("backoffice:scorecard") + Q).content.decode()
    assert rate in body and wrong not in body
    point, comma = re.findall(r"\d+\.\d+ %", body), re.findall(r"\d+,\d+ %", body)
    assert not (point if language == "vi" else comma), (point, comma)
    # The bars name each unit in full, one row each (no SVG text to overlap).
    assert f'<span class="sc-bars__label">{city.justice.name}</span>' in body
    assert "<meter" in body
