"""Printable forms: served inline as PDF, scope-checked like the dossier page."""

from __future__ import annotations

import sys
import types

import pytest
from django.urls import reverse

import onestop.dossiers
from onestop.dossiers import services as svc

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_pdf(monkeypatch):
    """Stand-in renderers that record what they were asked to print."""
    calls: list[tuple[str, object]] = []
    module = types.ModuleType("onestop.dossiers.pdf")

    def renderer(name: str):
        def render(obj: object) -> bytes:
            calls.append((name, obj))
            return b"%PDF-1.7 " + name.encode()
        return render

    for name in ("render_receipt", "render_supplement_request", "render_refusal",
                 "render_apology", "render_control_slip"):
        setattr(module, name, renderer(name))
    monkeypatch.setitem(sys.modules, "onestop.dossiers.pdf", module)
    monkeypatch.setattr(onestop.dossiers, "pdf", module, raising=False)
    return calls


def _get(client, dossier, form, **params):
    return client.get(reverse("backoffice:dossier_form", args=[dossier.pk, form]), params)


def test_receipt_is_served_inline_as_pdf(client, city, intake, fake_pdf):
    dossier = intake()
    client.force_login(city.officer)
    response = _get(client, dossier, "receipt")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{dossier.code}-receipt.pdf"'
    assert response.content == b"%PDF-1.7 render_receipt"
    assert fake_pdf == [("render_receipt", dossier)]


def test_forms_follow_the_dossier_scope(client, city, intake, fake_pdf):
    dossier = intake()
    client.force_login(city.outsider)
    assert _get(client, dossier, "receipt").status_code == 404
    assert _get(client, dossier, "control").status_code == 404
    assert fake_pdf == []


def test_supplement_and_apology_forms_pick_their_records(client, city, intake, fake_pdf):
    dossier = intake()
    client.force_login(city.officer)
    assert _get(client, dossier, "supplement").status_code == 404  # none requested yet
    assert _get(client, dossier, "refusal").status_code == 404  # not refused
    request = svc.dossier_request_supplement(dossier_id=dossier.pk, actor=city.officer,
                                             reason="Thiếu", items="Bản sao")
    assert _get(client, dossier, "supplement", id=request.pk).status_code == 200
    assert fake_pdf[-1] == ("render_supplement_request", request)
    assert _get(client, dossier, "apology").status_code == 404  # no signed letter


def test_unknown_form_names_do_not_resolve(client, city, intake):
    dossier = intake()
    client.force_login(city.officer)
    assert client.get(f"/backoffice/dossiers/{dossier.pk}/forms/secret.pdf").status_code == 404


def test_the_real_receipt_renders_when_the_pdf_package_is_installed(client, city, intake):
    pytest.importorskip("onestop.dossiers.pdf")
    dossier = intake()
    client.force_login(city.officer)
    response = _get(client, dossier, "receipt")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
