"""A dossier's fees through the payments core: a city whose procedure is paid before
processing, and the signed notifications of payments' own tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from onestop.catalog.models import Fee, ProcedureVersion
from onestop.dossiers import services as dsvc
from onestop.dossiers.models import Dossier
from onestop.payments.models import Payment
from onestop.payments.tests.conftest import (  # noqa: F401 (the autouse fixture applies here)
    _payment_settings,
    bank_incoming,
    gateway_incoming,
    receive,
)
from onestop.testing import City, make_user, vn


@dataclass
class PayWorld:
    city: City
    centre_leader: Any

    def receive(self, **applicant: Any) -> Dossier:
        """A dossier received at the counter (fees computed; waits in 6 if paid first)."""
        return dsvc.dossier_intake_at_counter(officer=self.city.officer,
                                              filing=self.city.filing(**applicant),
                                              at=vn(2026, 3, 2, 8))

    def payment(self, dossier: Dossier, **kwargs: Any) -> Payment:
        return dsvc.payment_for_dossier(dossier_id=dossier.pk, **kwargs).payment


@pytest.fixture
def world(city) -> PayWorld:
    version = city.version
    version.payment_timing = ProcedureVersion.PaymentTiming.BEFORE_PROCESSING
    version.save(update_fields=["payment_timing"])
    Fee.objects.create(version=version, name="Phí trích lục bản sao", amount=5000,
                       kind=Fee.Kind.PER_COPY)
    leader = make_user("centre-leader", "Huỳnh Văn Giàu", leader=city.centre)
    return PayWorld(city=city, centre_leader=leader)
