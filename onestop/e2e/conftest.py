"""Fixtures of the browser tests: one Chromium per test module, the app on a live server.

Per module, not per session: Playwright's synchronous API keeps an event loop in this
thread while it runs, and other browser tests of the suite (e.g. onestop/payments) start
their own; one at a time.

The live server is pytest-django's `live_server` (session-scoped; a thread of this process
serving the test database, static files included). Tests that use it run in transactional
mode, on SQLite (the in-memory database is shared with the server thread) and on
PostgreSQL (the server thread opens its own connection to the test database) alike.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("ONESTOP_E2E_CHROMIUM", "/usr/bin/chromium"))
# Debian's Chromium, never a downloaded one (`playwright install` is not used).
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _why_not() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)) and not shutil.which(
            str(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (Debian package `chromium`)"
    return ""


REASON = _why_not()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.slow)  # every browser test (pytest -m "not slow")
            if REASON:
                item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {REASON}"))


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API runs an event loop in this thread; the test's own ORM
    # calls (setting up data, checking results) are still plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def site(live_server: Any) -> str:
    """Base URL of the app on the live server (http://localhost:<port>, a secure context
    for service workers)."""
    return str(live_server.url).replace("127.0.0.1", "localhost")


@pytest.fixture(autouse=True)
def _e2e_settings(settings: Any, tmp_path: Path) -> Iterator[None]:
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEBUG = False
    # The server thread shares this process's cache: no cached page or rate-limit counter
    # of one test may reach the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def migration_seeds(transactional_db: None) -> None:
    """Rows the migrations seed and the journey needs (the rating criteria).

    A transactional test empties every table when it ends, and pytest-django's
    serialized_rollback cannot put them back after another transactional test whose flush
    re-created the content types (duplicate keys), so the seed is simply run again.
    """
    import importlib

    from django.apps import apps

    from onestop.feedback.models import RatingCriterion

    if not RatingCriterion.objects.exists():
        importlib.import_module(
            "onestop.feedback.migrations.0002_seed_rating_criteria").seed(apps, None)


@pytest.fixture
def new_context(chromium: Any) -> Iterator[Any]:
    """Opens browser contexts (separate cookie jars) and closes them after the test."""
    opened: list[Any] = []

    def make(**kwargs: Any) -> Any:
        kwargs.setdefault("locale", "vi-VN")
        context = chromium.new_context(**kwargs)
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()
