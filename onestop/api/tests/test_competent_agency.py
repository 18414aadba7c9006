"""Filing a procedure that several agencies handle (a commune-level procedure) through the
API: without the applicant's choice the API asks, listing the choices; it never guesses."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onestop.agencies.models import Agency
from onestop.dossiers.models import Dossier

from .test_journey import PDF, bearer, signup

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def two_communes(city):
    binh_thuy = Agency.objects.create(code="000.02.01.H99", name="UBND phường Bình Thủy",
                                      kind=Agency.Kind.COMMUNE_COMMITTEE)
    city.version.competent_agencies.add(binh_thuy)
    return city, binh_thuy


def _file(client, city, token, **extra):
    docs = list(city.version.documents.filter(optional=False))
    return client.post("/api/v1/dossiers", {
        "procedure_code": city.version.procedure.code, "centre_code": city.centre.code,
        "document_ids": [d.pk for d in docs],
        "files": [SimpleUploadedFile(f"doc{d.pk}.pdf", PDF, "application/pdf") for d in docs],
        **extra,
    }, **bearer(token))


def test_an_ambiguous_filing_is_answered_with_the_agencies_to_choose_from(two_communes):
    city, binh_thuy = two_communes
    client = Client()
    token = signup(client)
    r = _file(client, city, token)
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "competent_agency_needed"
    assert body["details"]["field"] == "competent_agency_code"
    assert {c["code"] for c in body["details"]["choices"]} == {city.justice.code, binh_thuy.code}
    assert not Dossier.objects.exists()


def test_the_applicants_choice_decides_the_competent_agency(two_communes):
    city, binh_thuy = two_communes
    client = Client()
    token = signup(client)
    r = _file(client, city, token, competent_agency_code=binh_thuy.code)
    assert r.status_code == 201, r.content
    assert Dossier.objects.get().handling_agency == binh_thuy


def test_an_agency_that_is_not_competent_is_refused(two_communes):
    city, _ = two_communes
    client = Client()
    token = signup(client)
    r = _file(client, city, token, competent_agency_code=city.commune.code)
    assert r.status_code == 400 and city.commune.code in r.json()["message"]
    assert not Dossier.objects.exists()
