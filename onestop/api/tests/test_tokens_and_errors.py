"""Tokens (rotation, reuse detection, sign-out, password change), rate limits, the error
shape and its language, ETags and the public lookup."""

from __future__ import annotations

import socket
import uuid

import pytest
from django.test import Client
from django.utils import translation

from onestop.accounts.services import citizen_sign_up
from onestop.dossiers import services as svc

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(db):
    return citizen_sign_up(full_name="Nguyễn Văn An", cccd="092090001234",
                           password="mat-khau-rat-dai-2026", phone="0912345678")


def _sign_in(client: Client) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", {"login": "0912 345 678",
                                           "password": "mat-khau-rat-dai-2026"},
                    content_type="application/json")
    assert r.status_code == 200, r.content
    return r.json()


def _refresh(client: Client, token: str):
    return client.post("/api/v1/auth/refresh", {"refresh_token": token},
                       content_type="application/json")


def _me(client: Client, access: str) -> int:
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {access}").status_code


def test_refresh_tokens_rotate_and_a_reused_one_revokes_the_family(citizen):
    client = Client()
    first = _sign_in(client)
    second = _refresh(client, first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert _me(client, second["access_token"]) == 200
    # The spent token comes back (stolen copy): refused, and the whole sign-in ends.
    assert _refresh(client, first["refresh_token"]).status_code == 401
    assert _refresh(client, second["refresh_token"]).status_code == 401
    assert _me(client, second["access_token"]) == 401
    # Another sign-in of the same citizen is not affected.
    assert _me(client, _sign_in(client)["access_token"]) == 200


def test_sign_out_ends_access_and_refresh_at_once(citizen):
    client = Client()
    pair = _sign_in(client)
    r = client.post("/api/v1/auth/logout", HTTP_AUTHORIZATION=f"Bearer {pair['access_token']}")
    assert r.status_code == 204
    assert _me(client, pair["access_token"]) == 401
    assert _refresh(client, pair["refresh_token"]).status_code == 401


def test_a_password_change_ends_every_token(citizen):
    client = Client()
    pair = _sign_in(client)
    citizen.set_password("mot-mat-khau-moi-2026")
    citizen.save()
    assert _me(client, pair["access_token"]) == 401
    assert _refresh(client, pair["refresh_token"]).status_code == 401


def test_wrong_password_and_garbage_tokens_are_401_in_the_error_shape(citizen):
    client = Client()
    r = client.post("/api/v1/auth/token", {"login": "0912345678", "password": "sai"},
                    content_type="application/json")
    assert r.status_code == 401 and set(r.json()) == {"code", "message", "details"}
    assert _me(client, "not-a-jwt") == 401
    assert _me(client, str(uuid.uuid4())) == 401


def test_errors_speak_the_language_of_accept_language(citizen):
    client = Client()
    vi = client.get("/api/v1/me").json()["message"]
    en = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    with translation.override("en"):
        expected_en = translation.gettext(
            "Sign in again: your session has ended or the token is not valid.")
    with translation.override("vi"):
        expected_vi = translation.gettext(
            "Sign in again: your session has ended or the token is not valid.")
    assert (vi, en) == (expected_vi, expected_en)
    bad = client.get("/api/v1/procedures?cursor=%%%", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and bad.json()["code"] == "bad_request"


def test_catalog_search_ignores_accents_and_answers_304_to_a_known_etag(city):
    client = Client()
    r = client.get("/api/v1/procedures", {"q": "dang ky khai sinh"})
    assert [i["code"] for i in r.json()["items"]] == ["1.001193"]
    assert r.json()["next"] is None
    same = client.get("/api/v1/procedures", {"q": "dang ky khai sinh"},
                      HTTP_IF_NONE_MATCH=r["ETag"])
    assert same.status_code == 304 and same["ETag"] == r["ETag"]
    detail = client.get("/api/v1/procedures/1.001193").json()
    assert detail["fees"][0]["amount"] == 8000 and len(detail["documents"]) == 3
    assert client.get("/api/v1/procedures/9.999999").status_code == 404


def test_lookup_gives_the_same_answer_for_a_wrong_factor_and_an_unknown_code(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing())
    client = Client()
    ok = client.get("/api/v1/lookup", {"code": d.code, "factor": "5678"})
    assert ok.status_code == 200 and ok.json()["status_code"] == 2
    assert "Nguyễn" not in ok.content.decode()
    wrong = client.get("/api/v1/lookup", {"code": d.code, "factor": "0000"})
    unknown = client.get("/api/v1/lookup", {"code": "000.00.00.H99-990101-0001",
                                            "factor": "5678"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.content == unknown.content


def test_lookup_takes_the_factor_in_a_post_body_and_shares_the_allowance(city, settings):
    # Issue 17 item 9: the digits never need to be in a URL (access logs, proxies).
    settings.ONESTOP_LOOKUP_RATE_LIMIT = 3
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing())
    client = Client()
    ok = client.post("/api/v1/lookup", {"code": d.code, "factor": "5678"},
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["code"] == d.code
    wrong = client.post("/api/v1/lookup", {"code": d.code, "factor": "0000"},
                        content_type="application/json")
    assert wrong.status_code == 404
    old = client.get("/api/v1/lookup", {"code": d.code, "factor": "5678"})  # deprecated
    assert old.json() == ok.json()
    assert client.post("/api/v1/lookup", {"code": d.code, "factor": "5678"},
                       content_type="application/json").status_code == 429


def test_lookup_is_rate_limited_per_address_in_the_database(city, settings):
    settings.ONESTOP_LOOKUP_RATE_LIMIT = 3
    settings.ONESTOP_REDIS_URL = ""
    client = Client()
    codes = [client.get("/api/v1/lookup", {"code": "X", "factor": "1234"}).status_code
             for _ in range(5)]
    assert codes == [404, 404, 404, 429, 429]


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379 (CI starts one)")
def test_rate_limits_count_in_redis_when_configured(city, settings):
    settings.ONESTOP_REDIS_URL = "redis://127.0.0.1:6379/15"
    settings.ONESTOP_LOOKUP_RATE_LIMIT = 2
    client = Client(REMOTE_ADDR=f"127.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}")
    codes = [client.get("/api/v1/lookup", {"code": "X", "factor": "1234"}).status_code
             for _ in range(3)]
    assert codes == [404, 404, 429]
    from onestop.core.models import RateWindow

    assert not RateWindow.objects.exists()  # nothing counted in the database


def test_a_nul_character_is_a_client_error_on_every_database(city):
    r = Client().get("/api/v1/procedures", {"q": "khai\x00sinh"})
    assert r.status_code in (200, 422)  # SQLite stores NUL; PostgreSQL refuses it: never 500
    r = Client().post("/api/v1/auth/token", {"login": "a\x00b", "password": "x"},
                      content_type="application/json")
    assert r.status_code in (401, 422)
