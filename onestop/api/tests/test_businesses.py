"""A business files through the city app too (issue 10): its representative registers it under
their own account (GET/POST/DELETE /me/businesses) and files for it with `business_id`."""

from __future__ import annotations

import pytest
from django.test import Client

from onestop.dossiers.models import ApplicantKind, Dossier

from .test_competent_agency import _file
from .test_journey import bearer, signup

pytestmark = pytest.mark.django_db

GAO_SACH = {"name": "Công ty TNHH Gạo Sạch Cần Thơ", "tax_code": "1801234567-001",
            "head_office": "12 Đường 30/4, phường Ninh Kiều", "representative": "Nguyễn Văn An"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _register(client: Client, token: str, **changes: str):
    return client.post("/api/v1/me/businesses", {**GAO_SACH, **changes},
                       content_type="application/json", **bearer(token))


def test_a_representative_registers_a_business_and_files_for_it(city):
    client = Client()
    token = signup(client)
    r = _register(client, token)
    assert r.status_code == 201, r.content
    business = r.json()
    assert business["tax_code"] == "1801234567-001" and business["holder"] == "representative"
    assert [b["id"] for b in client.get("/api/v1/me/businesses", **bearer(token)).json()] == [
        business["id"]]
    r = _file(client, city, token, business_id=business["id"])
    assert r.status_code == 201, r.content
    dossier = Dossier.objects.get()
    assert dossier.applicant_kind == ApplicantKind.ORGANISATION
    assert dossier.applicant_name == GAO_SACH["name"]
    assert dossier.applicant_tax_code == "1801234567-001"
    assert dossier.applicant_address == GAO_SACH["head_office"]
    assert dossier.filer_name == "Nguyễn Văn An" and dossier.filer_id_number == "092090001234"


def test_a_malformed_tax_code_is_refused_with_a_message(city):
    client = Client()
    token = signup(client)
    r = _register(client, token, tax_code="18-0123")
    assert r.status_code == 400 and "10" in r.json()["message"]
    assert client.get("/api/v1/me/businesses", **bearer(token)).json() == []


def test_an_authorised_filer_must_name_the_authorisation(city):
    client = Client()
    token = signup(client)
    r = _register(client, token, holder="authorised", representative="Trần Văn Bé")
    assert r.status_code == 400 and r.json()["message"]
    r = _register(client, token, holder="authorised", representative="Trần Văn Bé",
                  authorisation="Giấy ủy quyền số 03/2026/UQ")
    assert r.status_code == 201 and r.json()["authorisation"] == "Giấy ủy quyền số 03/2026/UQ"


def test_another_accounts_business_is_not_found(city):
    client = Client()
    owner = signup(client)
    business = _register(client, owner).json()
    other = signup(client, phone="0912000111", cccd="092090009999", email="b@example.vn")
    r = _file(client, city, other, business_id=business["id"])
    assert r.status_code == 404 and not Dossier.objects.exists()
    r = client.delete(f"/api/v1/me/businesses/{business['id']}", **bearer(other))
    assert r.status_code == 404
    r = client.delete(f"/api/v1/me/businesses/{business['id']}", **bearer(owner))
    assert r.status_code == 204
    assert client.get("/api/v1/me/businesses", **bearer(owner)).json() == []
