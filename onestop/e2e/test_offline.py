"""The installable web app in Chromium: the service worker keeps the citizen's own dossier
pages readable offline (with an "offline, saved at" notice), stores no other page, and its
saved pages are gone after sign-out."""

from __future__ import annotations

from typing import Any

import pytest

from onestop.accounts.services import citizen_sign_up
from onestop.dossiers import services as svc
from onestop.testing import make_city

from .browser import PHONE, sign_in_citizen

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-an-toan-2026"
CACHED_URLS = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    out[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
  }
  return out;
}"""


def _mine(page: Any) -> list[str]:
    return page.evaluate(CACHED_URLS).get("onestop-mine", [])


def _controlled(page: Any) -> None:
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def test_own_dossier_pages_are_readable_offline_and_forgotten_at_sign_out(
        site: str, new_context: Any) -> None:
    city = make_city()
    account = citizen_sign_up(full_name="Nguyễn Thị Hoa", cccd="092187001001",
                              phone="0900000001", password=PASSWORD)
    opened, unopened = (
        svc.dossier_receive(dossier_id=svc.dossier_submit_online(filing=city.filing(
            name=account.full_name, id_number=account.cccd, phone=account.phone,
            account=account)).pk, officer=city.officer)
        for _ in range(2))

    context = new_context(viewport=PHONE)
    page = context.new_page()
    sign_in_citizen(page, site, login=account.phone, password=PASSWORD)
    page.goto(f"{site}/ho-so-cua-toi/")
    _controlled(page)
    # Controlled from now on: these go through the worker (network first, then kept).
    page.goto(f"{site}/ho-so-cua-toi/")
    page.goto(f"{site}/ho-so-cua-toi/{opened.pk}/")
    page.goto(f"{site}/ho-so-cua-toi/{opened.pk}/bien-nhan.pdf")  # a receipt: never kept
    page.goto(f"{site}/thu-tuc/")
    page.wait_for_function(
        "async () => (await (await caches.open('onestop-mine')).keys()).length >= 3")
    cached = page.evaluate(CACHED_URLS)
    assert sorted(cached["onestop-mine"]) == sorted(
        ["/__onestop-owner__", "/ho-so-cua-toi/", f"/ho-so-cua-toi/{opened.pk}/"])
    shell = [paths for name, paths in cached.items() if name.startswith("onestop-shell-")]
    assert len(shell) == 1 and "/ngoai-tuyen/" in shell[0]
    assert all(p.startswith("/static/") or p == "/ngoai-tuyen/" for p in shell[0])

    context.set_offline(True)
    page.goto(f"{site}/ho-so-cua-toi/{opened.pk}/")
    notice = page.locator("[data-offline-notice]")
    assert notice.is_visible()
    assert page.locator("time[data-saved-at]").inner_text().count("/") == 2  # H:i d/m/Y
    assert opened.code in page.content()
    page.goto(f"{site}/ho-so-cua-toi/")
    assert page.locator("[data-offline-notice]").is_visible()
    assert opened.code in page.content() and unopened.code in page.content()
    # A page never opened, and any other page: the offline page (no personal data).
    for path in (f"/ho-so-cua-toi/{unopened.pk}/", "/thu-tuc/"):
        page.goto(site + path)
        assert page.locator("a[href='/ho-so-cua-toi/']").count() >= 1
        assert "data-owner" not in page.content()
        assert unopened.code not in page.content()

    # Back online, signing out empties the worker's saved pages.
    context.set_offline(False)
    page.goto(f"{site}/ho-so-cua-toi/")
    assert not page.locator("[data-offline-notice]").is_visible()
    page.wait_for_function(
        "async () => (await (await caches.open('onestop-mine')).keys()).length >= 2")
    with page.expect_navigation():
        page.locator("header form[action='/tai-khoan/dang-xuat/'] button").click()
    page.wait_for_function("async () => !(await caches.has('onestop-mine'))")
    context.set_offline(True)
    page.goto(f"{site}/ho-so-cua-toi/")
    assert opened.code not in page.content()
    assert not page.locator("[data-offline-notice]").is_visible()


def test_a_saved_copy_is_dropped_when_the_session_ends_elsewhere(
        site: str, new_context: Any) -> None:
    make_city()
    account = citizen_sign_up(full_name="Lê Văn Tám", cccd="092090005678",
                              phone="0900000002", password=PASSWORD)
    context = new_context()
    page = context.new_page()
    sign_in_citizen(page, site, login=account.phone, password=PASSWORD)
    page.goto(f"{site}/ho-so-cua-toi/")
    _controlled(page)
    page.goto(f"{site}/ho-so-cua-toi/")
    page.wait_for_function(
        "async () => (await (await caches.open('onestop-mine')).keys()).length >= 2")
    # The session cookie disappears (expired, or signed out in another tab): the next
    # "my dossiers" request is sent to the sign-in page, and the worker forgets.
    context.clear_cookies()
    page.goto(f"{site}/ho-so-cua-toi/")
    page.wait_for_function("async () => !(await caches.has('onestop-mine'))")
