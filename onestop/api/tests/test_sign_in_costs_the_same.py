"""A sign-in for a phone without an account does the same hashing as one with an account,
so the answer's timing does not reveal who has an account (user enumeration)."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

from onestop.accounts.services import citizen_sign_up

pytestmark = pytest.mark.django_db


class CountingHasher(MD5PasswordHasher):
    """MD5 (the tests' fast hasher) that counts how often a password is hashed: a new hash
    (encode) or a check against a stored one (verify, which encodes inside)."""

    calls: ClassVar[list[str]] = []
    verifying = False

    def encode(self, password: str, salt: str, *args: Any, **kwargs: Any) -> str:
        if not CountingHasher.verifying:
            CountingHasher.calls.append("encode")
        return super().encode(password, salt, *args, **kwargs)

    def verify(self, password: str, encoded: str) -> bool:
        CountingHasher.calls.append("verify")
        CountingHasher.verifying = True
        try:
            return super().verify(password, encoded)
        finally:
            CountingHasher.verifying = False


@pytest.fixture
def hashing(settings) -> list[str]:
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    settings.ONESTOP_API_AUTH_RATE_LIMIT = 0
    citizen_sign_up(full_name="Nguyễn Văn An", cccd="092090001234",
                    password="mat-khau-rat-dai-2026", phone="0912345678")
    CountingHasher.calls.clear()
    return CountingHasher.calls


@pytest.mark.parametrize("url, login, password, status", [
    ("/api/v1/auth/token", "0912345678", "mat-khau-rat-dai-2026", 200),
    ("/api/v1/auth/token", "0912345678", "sai-mat-khau", 401),
    ("/api/v1/auth/token", "0987654321", "mat-khau-rat-dai-2026", 401),  # no such phone
    ("/api/v1/auth/token", "khong-co@example.vn", "mat-khau-rat-dai-2026", 401),
    ("/api/v1/auth/token", "not a phone", "mat-khau-rat-dai-2026", 401),
    ("/api/v1/auth/staff/token", "officer", "test-pass-123", 200),
    ("/api/v1/auth/staff/token", "nobody", "test-pass-123", 401),
])
def test_every_sign_in_hashes_the_password_once(city, hashing, url, login, password, status):
    if url.endswith("/staff/token"):
        city.officer.set_password("test-pass-123")
        city.officer.save()
        hashing.clear()
    r = Client().post(url, {"login": login, "password": password},
                      content_type="application/json")
    assert r.status_code == status
    assert len(hashing) == 1, hashing
