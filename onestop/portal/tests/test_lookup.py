"""Public status lookup: a code plus four digits, nothing personal, no probing of codes."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from onestop.dossiers import services as svc

pytestmark = pytest.mark.django_db

LOOKUP = "/tra-cuu/"


@pytest.fixture
def dossier(city):
    d = svc.dossier_intake_at_counter(
        officer=city.officer,
        filing=city.filing(name="Nguyễn Văn An", phone="0912 345 678", id_number="092090001234"),
    )
    return svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, note="Chuyển Sở Tư pháp")


def test_lookup_is_named_and_public(client, db):
    assert reverse("portal:lookup") == LOOKUP
    response = client.get(LOOKUP)
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_the_right_factor_shows_the_status_without_personal_data(client, dossier):
    for factor in ("5678", "1234"):  # phone or CCCD
        response = client.post(LOOKUP, {"code": dossier.code, "factor": factor})
        assert response.status_code == 200
        body = response.content.decode()
        result = response.context["result"]
        assert result.code == dossier.code and result.status_code == 4
        assert "Đăng ký khai sinh" in body
        assert [e.label for e in result.timeline] == ["Tiếp nhận trực tiếp tại quầy",
                                                       "Chuyển xử lý"]
        for private in ("Nguyễn Văn An", "0912", "092090001234", "Chuyển Sở Tư pháp",
                        "Trần Thị Bình"):
            assert private not in body


def test_code_is_matched_without_regard_to_case_and_spaces(client, dossier):
    response = client.post(LOOKUP, {"code": f"  {dossier.code.lower()} ", "factor": "5678"})
    assert response.context["result"].code == dossier.code


def _normalised(response, code: str) -> str:
    body = response.content.decode().replace(code, "CODE")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)


def test_wrong_factor_and_unknown_code_give_the_same_answer(client, dossier):
    unknown_code = dossier.code[:-4] + "9999"
    wrong = client.post(LOOKUP, {"code": dossier.code, "factor": "0000"})
    unknown = client.post(LOOKUP, {"code": unknown_code, "factor": "5678"})
    assert wrong.status_code == unknown.status_code == 200
    assert "result" not in wrong.context and wrong.context["not_found"] is True
    # Identical but for the code the visitor typed (echoed back to fix typos) and the
    # per-response masking of the CSRF token in the language switcher.
    assert (_normalised(wrong, dossier.code)
            == _normalised(unknown, unknown_code))
    assert "0000" not in wrong.content.decode()  # the digits are never echoed


def test_code_alone_prefills_the_form_without_looking_up(client, dossier):
    response = client.get(LOOKUP, {"code": dossier.code})
    assert response.status_code == 200
    assert f'value="{dossier.code}"' in response.content.decode()
    assert "result" not in response.context and "not_found" not in response.context


def test_the_factor_must_be_four_digits(client, dossier):
    response = client.post(LOOKUP, {"code": dossier.code, "factor": "56"})
    assert response.status_code == 200
    assert "result" not in response.context
    assert response.context["form"].errors["factor"]


def test_too_many_lookups_from_one_address_get_429(client, dossier, settings):
    settings.ONESTOP_LOOKUP_RATE_LIMIT = 3
    for _ in range(3):
        assert client.post(LOOKUP, {"code": dossier.code, "factor": "0000"}).status_code == 200
    blocked = client.post(LOOKUP, {"code": dossier.code, "factor": "5678"})
    assert blocked.status_code == 429
    assert "result" not in blocked.context
    assert "Bạn đã tra cứu quá nhiều lần" in blocked.content.decode()
    # Another address still gets through.
    other = client.post(LOOKUP, {"code": dossier.code, "factor": "5678"},
                       REMOTE_ADDR="203.0.113.7")
    assert other.status_code == 200 and other.context["result"].code == dossier.code


def test_the_form_posts_the_factor_so_it_never_reaches_the_address_bar(client, dossier):
    # Issue 17 item 9: in a query string the digits land in history, shared links and logs.
    form = client.get(LOOKUP, {"code": dossier.code}).content.decode()
    assert re.search(r'<form method="post" action="/tra-cuu/"', form)
    strict = Client(enforce_csrf_checks=True)  # a public form, posted without a session
    answer = strict.post(LOOKUP, {"code": dossier.code, "factor": "5678"})
    assert answer.status_code == 200 and answer.context["result"].code == dossier.code
    assert "5678" not in answer.content.decode()


def test_a_factor_in_the_query_string_is_not_used(client, dossier):
    # An old bookmark or a crafted link: the code is prefilled, nothing is looked up.
    response = client.get(LOOKUP, {"code": dossier.code, "factor": "5678"})
    assert response.status_code == 200
    assert "result" not in response.context and "not_found" not in response.context
    assert f'value="{dossier.code}"' in response.content.decode()
    assert "5678" not in response.content.decode()


def test_home_page_links_to_the_lookup_and_the_back_office(client, db):
    body = client.get("/").content.decode()
    assert LOOKUP in body and reverse("backoffice:home") in body
