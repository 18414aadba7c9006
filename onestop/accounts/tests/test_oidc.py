"""e-ID sign-in against a real OpenID provider started by the test (oidc-provider-mock):
discovery, authorization code with PKCE, token exchange and ID token checks all happen over
HTTP on 127.0.0.1, nothing is mocked inside onestop or Authlib."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client
from oidc_provider_mock import User as ProviderUser
from oidc_provider_mock import run_server_in_thread

from onestop.accounts.models import User
from onestop.accounts.oidc import _registry

pytestmark = pytest.mark.django_db

CCCD = "092090001234"


@pytest.fixture
def provider(settings) -> Iterator[str]:
    users = [ProviderUser(sub="an", claims={"cccd": CCCD, "name": "Nguyễn Văn An"}),
             ProviderUser(sub="nobody", claims={"name": "Không Có Số"})]
    with run_server_in_thread(user_claims=users) as server:
        base = f"http://localhost:{server.server_port}"
        settings.ONESTOP_OIDC_DISCOVERY_URL = f"{base}/.well-known/openid-configuration"
        settings.ONESTOP_OIDC_CLIENT_ID = "onestop-test"
        settings.ONESTOP_OIDC_CLIENT_SECRET = "test-secret"
        _registry.cache_clear()
        yield base
        _registry.cache_clear()


def _sign_in(client: Client, sub: str) -> tuple[object, dict[str, list[str]]]:
    start = client.get("/tai-khoan/e-id/?next=/tai-khoan/thong-bao/")
    assert start.status_code == 302
    query = parse_qs(urlsplit(start["Location"]).query)
    # The citizen picks their identity on the provider's page; it redirects back with a code.
    answer = requests.post(start["Location"], data={"sub": sub}, allow_redirects=False,
                           timeout=10)
    assert answer.status_code in (302, 303), answer.text
    back = urlsplit(answer.headers["Location"])
    return client.get(f"{back.path}?{back.query}"), query


def test_a_new_citizen_signs_in_with_e_id_and_gets_an_account(provider):
    client = Client()
    response, query = _sign_in(client, "an")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/thong-bao/"
    user = User.objects.get(cccd=CCCD)
    assert user.full_name == "Nguyễn Văn An" and not user.has_usable_password()
    assert int(client.session["_auth_user_id"]) == user.pk


def test_an_existing_citizen_is_matched_by_cccd(provider):
    from onestop.accounts.services import citizen_sign_up

    existing = citizen_sign_up(full_name="Nguyễn Văn An", cccd=CCCD,
                               password="mat-khau-rat-dai-2026", phone="0912345678")
    client = Client()
    _sign_in(client, "an")
    assert int(client.session["_auth_user_id"]) == existing.pk
    assert User.objects.filter(cccd=CCCD).count() == 1


def test_a_provider_answer_without_cccd_signs_nobody_in(provider):
    client = Client()
    response, _query = _sign_in(client, "nobody")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_forged_callback_signs_nobody_in(provider):
    client = Client()
    client.get("/tai-khoan/e-id/")
    response = client.get("/tai-khoan/e-id/callback/?code=forged&state=forged")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
