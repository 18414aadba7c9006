import pytest

from onestop.core.calendars import clear_calendar_cache
from onestop.testing import City, make_city


@pytest.fixture
def city(db) -> City:
    return make_city()


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # Calendars are cached per process; a test that edits overrides must not leak into others.
    clear_calendar_cache()
    yield
    clear_calendar_cache()
