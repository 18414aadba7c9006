"""Every page sends a Content-Security-Policy (self only) and works under it in Chromium.

Issue 17 item 7: nothing inline, nothing from another origin. The browser reports each
blocked script, style, image or request as a `securitypolicyviolation` event and a console
error; the test collects both on the citizen portal, the back office, the API docs page and
the payment pages (a bill paid with the sandbox bank, end to end).
"""

from __future__ import annotations

from typing import Any

import pytest

from onestop.billing import services as billing
from onestop.dossiers import services as svc
from onestop.payments.models import Payment
from onestop.testing import make_city, vn

from .browser import sign_in_staff

pytestmark = pytest.mark.django_db(transaction=True)

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile || document.location.pathname}:${e.lineNumber}`;
  const what = e.blockedURI || 'inline';
  window.__cspViolations.push(`${e.violatedDirective} blocked ${what} at ${where}`);
});
"""


@pytest.fixture
def _sandbox(settings: Any, site: str) -> None:
    settings.ONESTOP_PAYMENT_SANDBOX = True
    settings.ONESTOP_VIETQR_WEBHOOK_SECRET = "bank-secret-for-tests"
    settings.ONESTOP_GATEWAY_SECRET = "gateway-secret-for-tests"
    settings.ONESTOP_PAYMENT_SANDBOX_SECRET = "sandbox-secret-for-tests"
    settings.ONESTOP_GATEWAY_URL = ""
    settings.PUBLIC_BASE_URL = site


class Watch:
    """CSP violations seen on a page: the DOM events and the console's own reports."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", lambda m: self.console.append(m.text)
                if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
                else None)
        self.seen: list[str] = []

    def collect(self, label: str) -> None:
        self.page.wait_for_load_state("networkidle")
        for text in self.page.evaluate("() => window.__cspViolations || []"):
            self.seen.append(f"{label}: {text}")
        self.seen.extend(f"{label}: console: {text}" for text in self.console)
        self.console.clear()

    def visit(self, url: str, label: str) -> Any:
        response = self.page.goto(url)
        assert response is not None and response.status < 400, (url, response and response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, (label, policy)
        self.collect(label)
        return response


def test_pages_work_under_the_content_security_policy(
        site: str, new_context: Any, _sandbox: None) -> None:
    city = make_city()
    code = city.version.procedure.code
    received = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing())
    biller, _key = billing.biller_create(code="cantho-water", name="Cấp nước Cần Thơ",
                                         kind="water", agency=city.centre)
    biller.callback_url = "http://127.0.0.1:9/callback"
    biller.save(update_fields=["callback_url"])
    billing.bills_import(biller=biller, at=vn(2026, 4, 1, 9), records=[
        {"number": "HD-0001", "customer_code": "KH001", "customer_name": "Nguyễn Văn An",
         "period": "03/2026", "amount": 185000, "due_date": "2026-04-10"},
    ])

    page = new_context().new_page()
    watch = Watch(page)
    # The citizen portal.
    for path, label in (("/", "home"), ("/thu-tuc/", "catalog"), (f"/thu-tuc/{code}/",
                        "procedure"), ("/tra-cuu/", "lookup"), ("/tai-khoan/dang-nhap/",
                        "citizen sign-in"), ("/tai-khoan/dang-ky/", "sign-up"),
                        ("/hoa-don/", "bills")):
        watch.visit(site + path, label)
    # The API docs page (Swagger UI from django-ninja's static files, not a CDN).
    watch.visit(f"{site}/api/v1/docs", "API docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    watch.collect("API docs rendered")

    # A payment: the bill's payment page, the sandbox bank, the paid page.
    watch.visit(f"{site}/hoa-don/", "bills")
    page.select_option("#biller", "cantho-water")
    page.fill("#customer", "KH001")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    watch.collect("bill found")
    with page.expect_navigation():
        page.locator("form[action$='/thanh-toan/'] button[type=submit]").click()
    watch.collect("payment page")
    reference = page.url.rstrip("/").split("/")[-1]
    page.locator("button[name=provider][value=sandbox]").click()
    watch.collect("sandbox bank")
    page.locator("button[name=action][value=transfer]").click()
    page.locator("#payment-state").wait_for()
    watch.collect("paid")
    assert Payment.objects.get(reference=reference).state == Payment.State.SUCCEEDED

    # The back office.
    staff = new_context().new_page()
    seen = watch.seen
    watch = Watch(staff)
    watch.seen = seen
    sign_in_staff(staff, site, city.officer.username)
    watch.collect("back-office sign-in")
    for path, label in (("/backoffice/", "queue"),
                        (f"/backoffice/dossiers/{received.pk}/", "dossier page"),
                        ("/backoffice/payments/", "payments")):
        watch.visit(site + path, label)
    assert watch.seen == []
