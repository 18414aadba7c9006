"""The service centre's admins import the national catalog from the back office; the menu
links the national portal's pages for the roles that use them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onestop.catalog.models import ProcedureVersion
from onestop.national.importing import procedure_import
from onestop.national.models import CatalogImport
from onestop.national.standin import StandIn

from .conftest import config_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def adapter_set(settings: Any, standin: StandIn, city: Any) -> Any:
    config = config_for(standin, unit_code="000.00.00.H99")
    settings.ONESTOP_NATIONAL_URL = config.url
    settings.ONESTOP_NATIONAL_USERNAME = config.username
    settings.ONESTOP_NATIONAL_PASSWORD = config.password
    settings.ONESTOP_NATIONAL_UNIT_CODE = config.unit_code
    return city


def test_an_admin_imports_one_procedure_as_a_draft(client: Any, adapter_set: Any) -> None:
    client.force_login(adapter_set.admin)
    response = client.post(reverse("backoffice:national_catalog"), {"code": "1.009794"})
    assert response.status_code == 302
    run = CatalogImport.objects.get()
    assert run.actor == adapter_set.admin and run.counts["created"] == 1
    assert ProcedureVersion.objects.get(procedure__code="1.009794").state == "draft"
    text = client.get(reverse("backoffice:national_catalog")).content.decode()
    assert "1.009794" in text and "Nhập từ danh mục quốc gia" in text  # Vietnamese default


def test_a_failed_procedure_shows_its_reason(client: Any, adapter_set: Any,
                                             standin: StandIn) -> None:
    client.force_login(adapter_set.admin)
    standin.state.catalog_for("H99")["1.009794"].pop("TENTTHC")
    client.post(reverse("backoffice:national_catalog"), {"code": "1.009794"})
    text = client.get(reverse("backoffice:national_catalog")).content.decode()
    assert "TENTTHC" in text


def test_the_page_reads_a_constant_number_of_queries(client: Any, adapter_set: Any,
                                                     standin: StandIn) -> None:
    from onestop.national.client import AdapterClient

    adapter = AdapterClient(config_for(standin, unit_code="000.00.00.H99"))
    client.force_login(adapter_set.admin)
    procedure_import(code="1.009794", client=adapter)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("backoffice:national_catalog")).status_code == 200
    for code in ("2.000815", "1.001193"):
        procedure_import(code=code, client=adapter)
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("backoffice:national_catalog"))
    assert len(three) == len(one)


def test_officers_and_department_staff_cannot_import(client: Any, adapter_set: Any) -> None:
    for user in (adapter_set.officer, adapter_set.specialist):
        client.force_login(user)
        assert client.get(reverse("backoffice:national_catalog")).status_code == 404
        client.post(reverse("backoffice:national_catalog"), {"code": "1.009794"})
    assert not CatalogImport.objects.exists()


def test_the_menu_links_the_national_portal_for_the_service_centres_staff(
        client: Any, adapter_set: Any) -> None:
    link = reverse("backoffice:national_failed")
    for user, sees in ((adapter_set.officer, True), (adapter_set.admin, True),
                       (adapter_set.specialist, False), (adapter_set.leader, False),
                       (adapter_set.outsider, False)):
        client.force_login(user)
        text = client.get(reverse("backoffice:home")).content.decode()
        assert (f'href="{link}"' in text) is sees, user


def test_the_page_says_when_it_reads_the_stand_in(client: Any, adapter_set: Any,
                                                  settings: Any) -> None:
    client.force_login(adapter_set.admin)
    assert "STAND-IN" not in client.get(reverse("backoffice:national_catalog")).content.decode()
    settings.ONESTOP_NATIONAL_STANDIN = True
    assert "STAND-IN" in client.get(reverse("backoffice:national_catalog")).content.decode()
