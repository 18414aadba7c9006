"""Sign-in with the national account against the STAND-IN OpenID provider (standin_signin):
discovery, the authorize page, the token exchange with PKCE, the RS256 ID token checked with
the stand-in's JWKS and the userinfo all go over HTTP on 127.0.0.1 through the real Authlib
client and onestop's views; nothing is mocked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from onestop.accounts.models import Business, User
from onestop.accounts.oidc import _registry
from onestop.core.models import AuditEvent
from onestop.national.models import NationalAccount
from onestop.national.signin import technical_id_for
from onestop.national.standin import StandIn
from onestop.national.standin_signin import CLIENT_ID, CLIENT_SECRET, IDENTITIES, signin_state

pytestmark = pytest.mark.django_db
START = "/tai-khoan/dvcqg/"


@pytest.fixture
def provider(settings: Any) -> Iterator[StandIn]:
    with StandIn() as standin:
        settings.ONESTOP_NATIONAL_SIGNIN = True
        settings.ONESTOP_NATIONAL_STANDIN = True
        settings.ONESTOP_NATIONAL_SIGNIN_DISCOVERY_URL = (
            f"{standin.url}/oidc/.well-known/openid-configuration")
        settings.ONESTOP_NATIONAL_SIGNIN_CLIENT_ID = CLIENT_ID
        settings.ONESTOP_NATIONAL_SIGNIN_CLIENT_SECRET = CLIENT_SECRET
        _registry.cache_clear()
        yield standin
        _registry.cache_clear()


def _authorize(client: Client, identity: str, *, next_url: str = "") -> tuple[Any, dict]:
    """The citizen starts on the portal, picks an identity on the STAND-IN page, and comes
    back with a code; returns the portal's answer to the callback and the authorize query."""
    start = client.get(START + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.content
    page = requests.get(start["Location"], timeout=10)
    assert page.status_code == 200 and "STAND-IN" in page.text
    query = {k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}
    answer = requests.post(start["Location"].split("?")[0], data={**query, "identity": identity},
                           allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    return client.get(f"{back.path}?{back.query}"), query


def _signed_in(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def test_the_flow_uses_state_nonce_and_pkce_s256(provider: StandIn) -> None:
    start = Client().get(START)
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    assert query["client_id"] == [CLIENT_ID] and "openid" in query["scope"][0].split()


def test_a_new_citizen_gets_an_account_and_the_technical_id_is_kept(provider: StandIn) -> None:
    client = Client()
    response, _ = _authorize(client, "new-citizen", next_url="/tai-khoan/thong-bao/")
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/thong-bao/"
    who = IDENTITIES["new-citizen"]
    user = User.objects.get(cccd=who["SoDinhDanh"])
    assert _signed_in(client) == user.pk
    assert user.full_name == who["HoVaTen"] and not user.has_usable_password()
    link = NationalAccount.objects.get(user=user)
    assert (link.technical_id, link.kind, link.business) == (who["TechID"], "citizen", None)
    assert technical_id_for(user_id=user.pk, organisation=False) == who["TechID"]
    assert AuditEvent.objects.filter(action="national.account_link",
                                     object_id=str(user.pk)).count() == 1


def test_an_existing_citizen_is_matched_by_cccd_then_by_technical_id(provider: StandIn) -> None:
    from onestop.accounts.services import citizen_sign_up

    who = IDENTITIES["citizen"]
    existing = citizen_sign_up(full_name=who["HoVaTen"], cccd=who["SoDinhDanh"],
                               password="mat-khau-rat-dai-2026", phone="0912345678")
    first = Client()
    _authorize(first, "citizen")
    assert _signed_in(first) == existing.pk
    # The national account's number changes (a new CCCD): the technical id still matches.
    signin_state(provider).identities["citizen"]["SoDinhDanh"] = "092187001002"
    second = Client()
    _authorize(second, "citizen")
    assert _signed_in(second) == existing.pk
    assert User.objects.filter(full_name=who["HoVaTen"]).count() == 1
    assert NationalAccount.objects.filter(user=existing).count() == 1


def test_a_business_account_creates_or_matches_the_business(provider: StandIn) -> None:
    who = IDENTITIES["business"]
    client = Client()
    response, _ = _authorize(client, "business")
    assert response.status_code == 302
    person = User.objects.get(cccd=who["SoDinhDanh"])
    assert _signed_in(client) == person.pk
    business = Business.objects.get(account=person, tax_code=who["MaSoThue"])
    assert business.name == who["TenDoanhNghiep"] and business.representative == who[
        "NguoiDaiDien"]
    link = NationalAccount.objects.get(technical_id=who["TechID"])
    assert (link.kind, link.business, link.tax_code) == ("business", business, who["MaSoThue"])
    assert technical_id_for(user_id=person.pk, organisation=True) == who["TechID"]
    again = Client()
    _authorize(again, "business")
    assert _signed_in(again) == person.pk
    assert Business.objects.filter(tax_code=who["MaSoThue"]).count() == 1


def test_a_business_account_whose_enterprise_code_is_not_its_tax_code_is_refused(
        provider: StandIn) -> None:
    signin_state(provider).identities["business"]["MaDoanhNghiep"] = "1800009999"
    client = Client()
    response, _ = _authorize(client, "business")
    assert response.status_code == 400 and _signed_in(client) is None
    assert not NationalAccount.objects.exists()


def test_a_callback_with_a_state_we_did_not_issue_signs_nobody_in(provider: StandIn) -> None:
    client = Client()
    start = client.get(START)
    query = {k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}
    answer = requests.post(start["Location"].split("?")[0],
                           data={**query, "state": "forged-state", "identity": "citizen"},
                           allow_redirects=False, timeout=10)
    back = urlsplit(answer.headers["Location"])
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 400 and _signed_in(client) is None
    assert not User.objects.exists()


def test_an_id_token_with_another_nonce_signs_nobody_in(provider: StandIn) -> None:
    signin_state(provider).fault = "nonce"
    client = Client()
    response, _ = _authorize(client, "citizen")
    assert response.status_code == 400 and _signed_in(client) is None
    assert not NationalAccount.objects.exists()


@pytest.mark.parametrize("fault", ["audience", "issuer"])
def test_an_id_token_for_another_client_or_from_another_issuer_is_refused(
        provider: StandIn, fault: str) -> None:
    signin_state(provider).fault = fault
    client = Client()
    response, _ = _authorize(client, "citizen")
    assert response.status_code == 400 and _signed_in(client) is None


def test_a_code_is_good_once(provider: StandIn) -> None:
    client = Client()
    start = client.get(START)
    query = {k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}
    answer = requests.post(start["Location"].split("?")[0], data={**query, "identity": "citizen"},
                           allow_redirects=False, timeout=10)
    back = urlsplit(answer.headers["Location"])
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    # The same code again, in a new sign-in attempt of another browser with the same state:
    replay = Client()
    replay.get(START)
    session = replay.session
    for key in [k for k in session.keys() if k.startswith("_state_national_")]:
        session[f"_state_national_{query['state']}"] = session.pop(key)
    session.save()
    response = replay.get(f"{back.path}?{back.query}")
    assert response.status_code == 400 and _signed_in(replay) is None


def test_a_denied_sign_in_signs_nobody_in(provider: StandIn) -> None:
    client = Client()
    response, _ = _authorize(client, "")
    assert response.status_code == 400 and _signed_in(client) is None


def test_the_button_shows_only_when_on_and_says_stand_in(provider: StandIn, settings) -> None:
    html = Client().get("/tai-khoan/dang-nhap/").content.decode()
    assert f'href="{START}"' in html and "STAND-IN" in html
    settings.ONESTOP_NATIONAL_SIGNIN = False
    html = Client().get("/tai-khoan/dang-nhap/").content.decode()
    assert START not in html
    assert Client().get(START).status_code == 404


def test_the_sync_sends_the_applicants_technical_id(national: Any, standin: StandIn) -> None:
    from django.utils import timezone

    from onestop.dossiers import services as svc
    from onestop.dossiers.models import Dossier
    from onestop.national.services import sync_run
    from onestop.testing import vn

    from .conftest import config_for

    user = User.objects.create(username="citizen-092187001001", full_name="Nguyễn Thị Hoa",
                               cccd="092187001001")
    NationalAccount.objects.create(technical_id="TECH-42", kind="citizen", user=user,
                                   identification_number=user.cccd, linked_at=timezone.now(),
                                   last_sign_in_at=timezone.now())
    d = svc.dossier_intake_at_counter(officer=national.officer, filing=national.filing(),
                                      at=vn(2026, 3, 2, 8))
    Dossier.objects.filter(pk=d.pk).update(applicant=user)
    svc.dossier_hand_over(dossier_id=d.pk, actor=national.officer, at=vn(2026, 3, 2, 9))
    from onestop.national.client import AdapterClient

    sync_run(client=AdapterClient(config_for(standin)))
    code = Dossier.objects.get(pk=d.pk).code
    sent = [c.body["data"][0] for c in standin.calls("DongBoHoSoMC")]
    assert [r["MaDoiTuong"] for r in sent if r["MaHoSo"] == code] == ["", "TECH-42"]
