from __future__ import annotations

import datetime

import pytest

from onestop.accounts.models import User
from onestop.dossiers import services as svc
from onestop.dossiers.models import Dossier
from onestop.testing import vn


@pytest.fixture
def citizen(db) -> User:
    return User.objects.create_user(username="citizen", password="test-pass-123",
                                    full_name="Nguyễn Văn An", phone="0912345678")


@pytest.fixture
def returned(city, citizen):
    """A counter dossier of `citizen` taken through to status 10 (result returned)."""

    def make(start: datetime.datetime | None = None, account: User | None = None) -> Dossier:
        at = start or vn(2026, 3, 2, 8)
        d = svc.dossier_intake_at_counter(officer=city.officer,
                                          filing=city.filing(account=account or citizen), at=at)
        d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer,
                                  at=at + datetime.timedelta(hours=1))
        d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist,
                                  at=at + datetime.timedelta(hours=2))
        d = svc.dossier_approve(dossier_id=d.pk, actor=city.leader,
                                at=at + datetime.timedelta(hours=3))
        return svc.dossier_return_result(dossier_id=d.pk, officer=city.officer,
                                         at=at + datetime.timedelta(days=1))

    return make
