import pytest
from django.utils import translation

from onestop.core.calendars import clear_calendar_cache
from onestop.testing import City, make_city


@pytest.fixture
def city(db) -> City:
    return make_city()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests create many users and prove nothing about hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # Calendars are cached per process; a test that edits overrides must not leak into others.
    clear_calendar_cache()
    yield
    clear_calendar_cache()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    # A request activates its language for the whole thread and nothing resets it, so a test
    # that browses in English would leave later tests' messages in English.
    yield
    translation.deactivate()
