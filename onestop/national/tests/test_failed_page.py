"""Officers see what the portal did not take, and why, and send it again."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from onestop.dossiers import services as svc
from onestop.national.models import SyncItem
from onestop.national.services import sync_run
from onestop.national.standin import StandIn
from onestop.testing import vn

from .conftest import config_for

pytestmark = pytest.mark.django_db


def _failed(national: Any, standin: StandIn) -> SyncItem:
    from onestop.national.client import AdapterClient

    svc.dossier_intake_at_counter(officer=national.officer, filing=national.filing(),
                                  at=vn(2026, 3, 2, 8))
    standin.fail("error")
    sync_run(client=AdapterClient(config_for(standin)))
    standin.fail("ok")
    return SyncItem.objects.get(state="failed")


def test_the_page_lists_failed_syncs_with_the_reason(client: Any, national: Any,
                                                     standin: StandIn) -> None:
    item = _failed(national, standin)
    client.force_login(national.officer)
    response = client.get(reverse("backoffice:national_failed"))
    text = response.content.decode()
    assert response.status_code == 200
    assert item.dossier.code in text and "error_code 500" in text
    assert "Gửi lại" in text  # Vietnamese by default


def test_resend_puts_the_row_back_in_the_queue(client: Any, national: Any,
                                               standin: StandIn) -> None:
    item = _failed(national, standin)
    client.force_login(national.officer)
    response = client.post(reverse("backoffice:national_resend", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == "pending" and item.attempts == 0


def test_staff_outside_the_service_centre_neither_see_nor_resend(client: Any, national: Any,
                                                                 standin: StandIn) -> None:
    item = _failed(national, standin)
    client.force_login(national.specialist)  # the department's specialist
    assert client.get(reverse("backoffice:national_failed")).status_code == 404
    client.post(reverse("backoffice:national_resend", args=[item.pk]))
    item.refresh_from_db()
    assert item.state == "failed"
