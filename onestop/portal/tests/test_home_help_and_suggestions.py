"""The home page leads to procedures people use, bills, transparency, feedback, the hotline
and help; the search box suggests procedures as one types; the help page names the centres,
their hours and phones."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from onestop.dossiers import services as svc
from onestop.testing import make_procedure

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["khai sinh", "KHAI SINH", "khai sinh dang ky", "đăng ký khai"])
def test_suggestions_ignore_accents_and_case(client, city, typed):
    response = client.get("/thu-tuc/goi-y/", {"q": typed})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json()["results"] == [{
        "code": "1.001193", "name": "Đăng ký khai sinh", "field": "Hộ tịch",
        "url": "/thu-tuc/1.001193/"}]


def test_suggestions_need_two_letters_and_answer_at_most_eight(client, city):
    assert client.get("/thu-tuc/goi-y/", {"q": "k"}).json() == {"results": []}
    for n in range(12):
        make_procedure(code=f"9.0000{n:02d}", name=f"Cấp bản sao số {n}",
                       field=city.version.field, centre=city.centre, handling=city.justice)
    assert len(client.get("/thu-tuc/goi-y/", {"q": "ban sao"}).json()["results"]) == 8


def test_the_search_boxes_ask_for_suggestions_from_a_local_script(client, city):
    for path in ("/", "/thu-tuc/"):
        body = client.get(path).content.decode()
        assert 'data-suggest="/thu-tuc/goi-y/"' in body
        assert '<script src="/static/portal/suggest.js" defer></script>' in body


def test_home_lists_the_procedures_people_file_most(client, city):
    other = make_procedure(code="2.000001", name="Chứng thực bản sao", field=city.version.field,
                           centre=city.centre, handling=city.justice)
    body = client.get("/").content.decode()
    assert "Thủ tục được sử dụng nhiều" not in body  # nothing filed yet
    svc.dossier_submit_online(filing=city.filing())
    # The anonymous home page is cached (portal/page_cache.py): the list shows once the
    # cached page expires, ONESTOP_PUBLIC_PAGE_SECONDS at most.
    cache.clear()
    body = client.get("/").content.decode()
    assert "Thủ tục được sử dụng nhiều" in body and "/thu-tuc/1.001193/" in body
    assert "/thu-tuc/2.000001/" not in body.split("Thủ tục được sử dụng nhiều")[1].split(
        "</section>")[0]
    assert other


def test_home_and_menu_lead_to_bills_transparency_feedback_help_and_the_hotline(
        client, city, settings):
    settings.ONESTOP_HOTLINE = "1022"
    body = client.get("/").content.decode()
    for href in ('href="/hoa-don/"', 'href="/minh-bach/"', 'href="/phan-anh/"',
                 'href="/tro-giup/"', 'href="tel:1022"'):
        assert href in body, href
    nav = body.split('<nav class="site-nav"')[1].split("</nav>")[0]
    assert all(h in nav for h in ('href="/hoa-don/"', 'href="/minh-bach/"', 'href="/tro-giup/"'))


def test_the_hotline_falls_back_to_the_city_centres_phone(client, city):
    city.centre.phone = "0292 3000 000"
    city.centre.save()
    body = client.get("/tro-giup/").content.decode()
    assert 'href="tel:02923000000"' in body


def test_help_names_each_centre_with_its_address_hours_and_phone_and_answers_questions(
        client, city):
    city.commune.address = "Số 1 Đường Hòa Bình"
    city.commune.phone = "0292 111 222"
    city.commune.save()
    body = client.get("/tro-giup/").content.decode()
    assert "Bộ phận Một cửa phường Ninh Kiều" in body and "Số 1 Đường Hòa Bình" in body
    assert "0292 111 222" in body and "07:00–11:00" in body
    assert body.count("<details>") >= 5 and "Câu hỏi thường gặp" in body


def test_help_says_its_contact_data_is_demo_data_in_the_demo(client, city, settings):
    settings.ONESTOP_DEMO = True
    assert "chỉ dùng để trình diễn" in client.get("/tro-giup/").content.decode()


def test_help_speaks_english_after_the_switch(client, city):
    client.cookies["django_language"] = "en"
    body = client.get("/tro-giup/").content.decode()
    assert "Frequently asked questions" in body and "Where to go" in body
