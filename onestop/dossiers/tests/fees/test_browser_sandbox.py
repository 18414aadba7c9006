"""In Chromium: a citizen pays a dossier fee with the sandbox bank, and with the sandbox
gateway, and gets the receipt. Skipped when Playwright or Debian's Chromium is missing."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from onestop.dossiers.models import Status
from onestop.payments.models import Payment, Receipt

from .conftest import PayWorld

CHROMIUM = os.environ.get("ONESTOP_E2E_CHROMIUM", "/usr/bin/chromium")
try:
    import playwright.sync_api  # noqa: F401

    MISSING = "" if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM) else "no Chromium"
except ImportError:
    MISSING = "Playwright is not installed"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(MISSING), reason=MISSING or "-"),
    # No serialized_rollback: after another transactional test re-created the content
    # types, restoring them fails on duplicate keys; this test needs no migration seeds.
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def page(live_server: Any, settings: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    settings.PUBLIC_BASE_URL = str(live_server.url)
    settings.DEBUG = False
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            context = browser.new_context(locale="vi-VN")
            context.set_default_timeout(15_000)
            try:
                yield context.new_page()
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def test_a_citizen_pays_a_dossier_fee_with_the_sandbox_bank_and_gateway(
        world: PayWorld, page: Any, live_server: Any) -> None:
    first = world.payment(world.receive())
    page.goto(f"{live_server.url}/thanh-toan/{first.reference}/")
    assert page.locator(".qr svg").count() == 1
    page.locator("button[name=provider][value=sandbox]").click()
    page.locator("button[name=action][value=transfer]").click()
    page.locator("#payment-state").wait_for()
    first.refresh_from_db()
    assert first.state == Payment.State.SUCCEEDED and first.sandbox
    page.goto(f"{live_server.url}/thanh-toan/{first.reference}/")
    receipt = Receipt.objects.get(payment=first)
    link = page.locator(f"a[href$='{receipt.number}.pdf']")
    assert link.count() == 1
    response = page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert response.headers["content-type"] == "application/pdf"
    dossier = first.dossier_link.dossier
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESS

    second = world.payment(world.receive(name="Trương Thị Mai"))
    page.goto(f"{live_server.url}/thanh-toan/{second.reference}/")
    page.locator("button[name=provider][value=gateway]").click()
    page.wait_for_url("**/sandbox/gateway/**")
    page.locator("button[name=choice][value=pay]").click()
    page.wait_for_url(f"**/thanh-toan/{second.reference}/ket-qua/**")
    second.refresh_from_db()
    assert second.state == Payment.State.SUCCEEDED and second.provider == "gateway"
