import pytest
from django.core.cache import cache

from onestop.accounts.services import citizen_sign_up

PASSWORD = "mat-khau-an-toan-2026"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    # The lookup's per-address counter lives in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploads and staged files go to a throw-away directory.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def citizen(db):
    return citizen_sign_up(full_name="Nguyễn Thị Hoa", cccd="092187001001", phone="0900000001",
                           email="hoa@example.com", password=PASSWORD)


@pytest.fixture
def other_citizen(db):
    return citizen_sign_up(full_name="Lê Văn Tám", cccd="092090005678", phone="0900000002",
                           password=PASSWORD)
