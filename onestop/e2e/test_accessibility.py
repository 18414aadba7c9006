"""axe-core (onestop/e2e/assets/axe.min.js) in Chromium on the citizen's pages: no serious
or critical violation, and nothing scrolls sideways on a 360 px wide phone.

Pages: home, catalog (browse and search), a procedure, each step of the online filing
(applicant, documents with a refused upload shown, review), the lookup (form and answer),
my dossiers and a dossier page, both in Vietnamese and in English.
"""

from __future__ import annotations

from typing import Any

import pytest

from onestop.accounts.services import citizen_sign_up
from onestop.dossiers import services as svc
from onestop.testing import make_city

from .browser import PHONE, check_page, pdf_bytes, sign_in_citizen, upload

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-an-toan-2026"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_citizen_pages_have_no_serious_accessibility_violation_at_360_px(
        site: str, new_context: Any, language: str) -> None:
    city = make_city()
    code = city.version.procedure.code
    account = citizen_sign_up(full_name="Nguyễn Thị Hoa", cccd="092187001001",
                              phone="0900000001", email="hoa@example.com", password=PASSWORD)
    # One dossier already received, so "my dossiers", its page and the lookup show data.
    filed = svc.dossier_submit_online(filing=city.filing(
        name=account.full_name, id_number=account.cccd, phone=account.phone, account=account))
    received = svc.dossier_receive(dossier_id=filed.pk, officer=city.officer)

    context = new_context(viewport=PHONE)
    context.add_cookies([{"name": "django_language", "value": language, "url": site}])
    page = context.new_page()
    problems: list[str] = []

    def visit(path: str, label: str) -> None:
        response = page.goto(site + path)
        assert response is not None and response.status < 400, (path, response)
        check_page(page, label, problems)

    visit("/", "home")
    visit("/thu-tuc/", "catalog")
    visit("/thu-tuc/?q=khai+sinh", "catalog search")
    visit(f"/thu-tuc/{code}/", "procedure")
    visit("/tra-cuu/", "lookup form")
    for factor, label in ((account.phone[-4:], "lookup answer"), ("0000", "lookup not found")):
        # The digits are posted (issue 17 item 9): the QR code's link prefills the code.
        visit(f"/tra-cuu/?code={received.code}", "lookup prefilled")
        page.fill("#id_factor", factor)
        with page.expect_navigation():
            page.locator("main form.lookup-form button[type=submit]").click()
        assert "factor" not in page.url
        check_page(page, label, problems)

    sign_in_citizen(page, site, login=account.phone, password=PASSWORD)
    visit("/ho-so-cua-toi/", "my dossiers")
    visit(f"/ho-so-cua-toi/{received.pk}/", "my dossier")

    visit(f"/nop-ho-so/{code}/", "filing step 1 (applicant)")
    page.fill("#id_address", "")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    check_page(page, "filing step 1 with errors", problems)
    page.fill("#id_address", "12 Hòa Bình, Ninh Kiều")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    check_page(page, "filing step 2 (documents)", problems)
    # A refused upload (not a PDF, though named .pdf) shows its error on the page.
    first, second = city.version.documents.filter(optional=False).order_by("order")
    page.set_input_files(f"#doc-{first.pk}", upload("fake.pdf", b"GIF89a not a pdf",
                                                   "application/pdf"))
    with page.expect_navigation():
        page.locator("button[name=next]").click()
    check_page(page, "filing step 2 with a refused file", problems)
    page.set_input_files(f"#doc-{first.pk}", upload("a.pdf", pdf_bytes(), "application/pdf"))
    page.set_input_files(f"#doc-{second.pk}", upload("b.pdf", pdf_bytes(), "application/pdf"))
    with page.expect_navigation():
        page.locator("button[name=next]").click()
    assert page.url.endswith("/xem-lai/"), page.url
    check_page(page, "filing step 3 (review)", problems)

    assert not problems, "\n".join(problems)


def test_the_checks_catch_a_bad_page(new_context: Any) -> None:
    """The same checks flag a page with known faults (so a pass above means something)."""
    page = new_context(viewport=PHONE).new_page()
    page.set_content('<!doctype html><html lang="vi"><head><title>x</title></head><body>'
                     '<main><img src="data:,"><button></button>'
                     '<div style="width:500px">rộng</div></main></body></html>')
    problems: list[str] = []
    check_page(page, "bad", problems)
    text = "\n".join(problems)
    assert "image-alt" in text and "button-name" in text
    assert "px wide at 360 px (scrolls sideways)" in text
