from __future__ import annotations

import datetime
from typing import Any

import pytest

from onestop.dossiers import services as svc
from onestop.dossiers.models import Dossier


@pytest.fixture
def intake(city):
    """Receive a complete counter dossier now (the procedure is in force since 2024)."""

    def make(at: datetime.datetime | None = None, **applicant: Any) -> Dossier:
        return svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(**applicant),
                                             at=at)

    return make


@pytest.fixture
def online(city):
    """An online filing waiting at the centre (status 1)."""

    def make(**applicant: Any) -> Dossier:
        return svc.dossier_submit_online(filing=city.filing(**applicant))

    return make


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded scans go to a throw-away directory, not the developer's data directory.
    settings.MEDIA_ROOT = tmp_path / "media"
