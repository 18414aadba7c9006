from __future__ import annotations

import pytest

from onestop.dossiers import services as svc
from onestop.dossiers.models import Dossier, Status
from onestop.postal.services import Address, delivery_choose
from onestop.postal.standin import StandIn
from onestop.testing import vn

ADDRESS = Address(recipient="Nguyễn Văn An", phone="0912345678",
                  address="12 Trần Hưng Đạo, phường Ninh Kiều", province="Cần Thơ")


@pytest.fixture
def standin(settings):
    with StandIn() as server:
        settings.ONESTOP_POSTAL_STANDIN_URL = server.url
        settings.ONESTOP_POSTAL_PROVIDER = "standin"
        settings.ONESTOP_POSTAL_TIMEOUT = 1
        yield server


@pytest.fixture
def ready_by_post(city) -> Dossier:
    """A dossier filed at the counter whose applicant asked for the result by post, with
    its result ready (the processing before it is other modules' business)."""
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    delivery_choose(dossier_id=d.pk, actor=city.officer, address=ADDRESS, at=vn(2026, 3, 2, 8, 5))
    Dossier.objects.filter(pk=d.pk).update(status=Status.RESULT_READY, current_step=None)
    d.refresh_from_db()
    return d


@pytest.fixture(autouse=True)
def _english():
    """The assertions read the English labels, whatever language another test left on."""
    from django.utils import translation
    with translation.override("en"):
        yield
