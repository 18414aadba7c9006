"""The electronic form through the API: the procedure publishes its fields, POST /dossiers
takes the values as a JSON object instead of a scanned declaration, every problem named."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onestop.dossiers.models import Dossier
from onestop.testing import BIRTH_DECLARATION, add_electronic_form

from .test_journey import PDF, bearer, signup

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _file_without_the_declaration_scan(client, city, token, declaration):
    docs = list(city.version.documents.filter(optional=False, electronic_form=False))
    return client.post("/api/v1/dossiers", {
        "procedure_code": city.version.procedure.code, "centre_code": city.centre.code,
        "document_ids": [d.pk for d in docs],
        "files": [SimpleUploadedFile(f"doc{d.pk}.pdf", PDF, "application/pdf") for d in docs],
        "declaration": declaration,
    }, **bearer(token))


def test_the_procedure_publishes_its_form_and_a_filing_fills_it_in(city):
    add_electronic_form(city.version)
    client = Client()
    detail = client.get(f"/api/v1/procedures/{city.version.procedure.code}").json()
    fields = {f["key"]: f for f in detail["electronic_form"]}
    assert fields["child_birth_date"]["kind"] == "past_date"
    assert fields["child_sex"]["choices"] == ["Nam", "Nữ"]
    assert [d["electronic_form"] for d in detail["documents"]] == [True, False, False]
    token = signup(client)
    r = _file_without_the_declaration_scan(client, city, token, json.dumps(BIRTH_DECLARATION))
    assert r.status_code == 201, r.content
    dossier = Dossier.objects.get()
    assert dossier.declaration["child_name"] == "Trần Minh Khôi"
    names = {d["name"] for d in r.json()["documents"]}
    assert "Tờ khai theo mẫu" in names


@pytest.mark.parametrize("declaration", ["[1, 2]", "not json", '"text"'])
def test_a_declaration_that_is_not_an_object_is_refused(city, declaration):
    add_electronic_form(city.version)
    client = Client()
    r = _file_without_the_declaration_scan(client, city, signup(client), declaration)
    assert r.status_code == 422 or r.status_code == 400
    assert not Dossier.objects.exists()


def test_a_bad_value_is_named_with_its_field(city):
    add_electronic_form(city.version)
    client = Client()
    bad = json.dumps({**BIRTH_DECLARATION, "child_sex": "?"})
    r = _file_without_the_declaration_scan(client, city, signup(client), bad)
    assert r.status_code in (400, 422)
    assert "Giới tính" in r.json()["message"]
    assert not Dossier.objects.exists()
