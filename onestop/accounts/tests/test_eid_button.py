"""The citizen sign-in page offers e-ID only when a provider is configured."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from django.utils.translation import gettext, override

from .test_oidc import provider  # noqa: F401  (the real local OpenID provider)

pytestmark = pytest.mark.django_db


def _button_text(label: str) -> str:
    with override("vi"):
        return gettext("Sign in with %(provider)s / e-ID") % {"provider": label}


def test_no_e_id_button_without_a_configured_provider(settings):
    settings.ONESTOP_OIDC_DISCOVERY_URL = ""
    settings.ONESTOP_OIDC_CLIENT_ID = ""
    html = Client().get("/tai-khoan/dang-nhap/").content.decode()
    assert "/tai-khoan/e-id/" not in html
    assert _button_text(settings.ONESTOP_OIDC_PROVIDER_LABEL) not in html


def test_the_e_id_button_signs_the_citizen_in_and_keeps_next(provider, settings):  # noqa: F811
    settings.ONESTOP_OIDC_PROVIDER_LABEL = "VNeID"
    client = Client()
    page = client.get("/tai-khoan/dang-nhap/?next=/tai-khoan/thong-bao/")
    html = page.content.decode()
    assert _button_text("VNeID") in html
    href = "/tai-khoan/e-id/?next=/tai-khoan/thong-bao/"
    assert f'href="{href}"' in html
    start = client.get(href)
    assert start.status_code == 302
    answer = requests.post(start["Location"], data={"sub": "an"}, allow_redirects=False,
                           timeout=10)
    back = urlsplit(answer.headers["Location"])
    done = client.get(f"{back.path}?{back.query}")
    assert done.status_code == 302 and done["Location"] == "/tai-khoan/thong-bao/"
