"""What a newcomer stumbled on (issue 16), walked again in Chromium at 1280 px and 360 px:
the API docs with every other host unreachable, search suggestions as one types, the
procedure page, help, a bill looked up without its customer code, the platform's own 404,
a supplement asked for one document and answered by the citizen, the officer's queue, the
markets and the scorecard. axe-core finds no serious or critical violation on any of them
and nothing scrolls sideways at 360 px.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile

from onestop.accounts.services import citizen_sign_up
from onestop.dossiers import services as svc
from onestop.dossiers.models import Dossier, DossierDocument, Status
from onestop.testing import make_city

from .browser import PHONE, check_page, png_bytes, sign_in_citizen, sign_in_staff, upload

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-an-toan-2026"
DESKTOP = {"width": 1280, "height": 900}


def _local_only(context: Any, site: str) -> list[str]:
    """Abort every request to another host (as on a closed network); returns their URLs."""
    blocked: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(site):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return blocked


def test_the_api_docs_work_with_no_other_host_reachable(site: str, new_context: Any) -> None:
    context = new_context(viewport=DESKTOP)
    blocked = _local_only(context, site)
    page = context.new_page()
    page.goto(f"{site}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=20_000)  # Swagger UI drew the operations
    assert page.locator(".opblock").count() > 10
    assert blocked == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "360"])
def test_a_citizen_finds_a_procedure_by_typing_and_reads_everything_it_needs(
        site: str, new_context: Any, viewport: dict[str, int]) -> None:
    city = make_city()
    version = city.version
    version.eligible_applicants = "Công dân Việt Nam"
    version.applicant_steps = "Chuẩn bị hồ sơ\nNộp hồ sơ\nNhận kết quả"
    version.conditions = "Giấy tờ còn giá trị sử dụng"
    version.save()
    form = version.documents.get(order=1)
    form.template.save("to-khai.pdf", ContentFile(b"%PDF-1.4 mau to khai"))
    svc.dossier_submit_online(filing=city.filing())  # so the home page lists it as used
    context = new_context(viewport=viewport)
    blocked = _local_only(context, site)
    page = context.new_page()
    problems: list[str] = []

    page.goto(site + "/")
    check_page(page, "home", problems)
    assert page.locator("#frequent-h").count() == 1
    # Suggestions as one types, without accents.
    page.locator("#home-q").press_sequentially("dang ky khai", delay=30)
    option = page.locator("#home-q-suggestions [role=option]").first
    option.wait_for()
    assert page.get_attribute("#home-q", "aria-expanded") == "true"
    check_page(page, "home with suggestions", problems)
    with page.expect_navigation():
        option.click()
    assert page.url.endswith(f"/thu-tuc/{version.procedure.code}/")
    check_page(page, "procedure", problems)
    body = page.content()
    for text in ("Mã thủ tục", "Đối tượng thực hiện", "Trình tự thực hiện", "Mẫu đơn, tờ khai",
                 "Giấy tờ còn giá trị sử dụng"):
        assert text in body, text
    with page.expect_download() as download:
        page.locator(f"a[href$='/mau/{form.pk}/']").first.click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.goto(site + "/tro-giup/")
    check_page(page, "help", problems)
    response = page.goto(site + "/hoa-don/?biller=&customer=")
    assert response is not None and response.status == 400
    check_page(page, "bills with errors", problems)
    response = page.goto(site + "/khong-co-trang-nay/")
    assert response is not None and response.status == 404
    assert page.locator("a.button--primary[href='/']").count() == 1
    check_page(page, "404", problems)
    assert blocked == []
    assert not problems, "\n".join(problems)


def test_a_supplement_for_one_document_is_answered_with_that_document_only(
        site: str, new_context: Any) -> None:
    city = make_city()
    account = citizen_sign_up(full_name="Nguyễn Thị Hoa", cccd="092187001001",
                              phone="0900000001", email="hoa@example.com", password=PASSWORD)
    filed = svc.dossier_submit_online(filing=city.filing(
        name=account.full_name, id_number=account.cccd, phone=account.phone, account=account))
    received = svc.dossier_receive(dossier_id=filed.pk, officer=city.officer)
    svc.dossier_submit_online(filing=city.filing(name="Trần Văn Mới"))  # new work for "Mine"
    card = city.version.documents.get(name="Giấy tờ tùy thân")
    problems: list[str] = []

    # The officer: new filings first in "Mine"; ticks the one document to supplement.
    officer = new_context(viewport=DESKTOP).new_page()
    sign_in_staff(officer, site, "officer")
    check_page(officer, "queue", problems)
    first_row = officer.locator("table.queue tbody tr").first
    assert first_row.locator("button", has_text="Tiếp nhận").count() == 1
    officer.goto(f"{site}/backoffice/dossiers/{received.pk}/")
    check_page(officer, "back-office dossier", problems)
    form = officer.locator(f"form[action$='/dossiers/{received.pk}/act/request_supplement/']")
    form.locator("[name='request_supplement-reason']").fill("Bản sao mờ, không đọc được")
    form.locator(f"input[name='request_supplement-documents'][value='{card.pk}']").check()
    with officer.expect_navigation():
        form.locator("button[type=submit]").click()
    assert Dossier.objects.get(pk=received.pk).status == Status.SUPPLEMENT
    officer.goto(f"{site}/backoffice/markets/")
    check_page(officer, "markets", problems)

    # The citizen, on a phone: one upload field for the document asked for, the clock paused.
    citizen = new_context(viewport=PHONE).new_page()
    sign_in_citizen(citizen, site, login=account.phone, password=PASSWORD)
    citizen.goto(f"{site}/ho-so-cua-toi/{received.pk}/")
    check_page(citizen, "supplement answer", problems)
    assert "Tạm dừng từ" in citizen.content()
    inputs = citizen.locator("form[action$='/bo-sung/'] input[type=file]")
    assert inputs.count() == 2  # the document asked for, and "other"
    citizen.set_input_files(f"#sup-{card.pk}", upload("ro.png", png_bytes(), "image/png"))
    with citizen.expect_navigation():
        citizen.locator("form[action$='/bo-sung/'] button[type=submit]").click()
    d = Dossier.objects.get(pk=received.pk)
    assert d.status == Status.RECEIVED
    assert d.documents.filter(kind=DossierDocument.Kind.SUPPLEMENT,
                              name="Giấy tờ tùy thân").count() == 1
    assert not problems, "\n".join(problems)


def _seed_frameworks() -> None:
    """The service-index framework the migrations seed (a transactional test before this
    one emptied every table; see conftest.migration_seeds)."""
    import importlib

    from django.apps import apps

    from onestop.scorecard.models import Framework

    if not Framework.objects.exists():
        importlib.import_module("onestop.scorecard.migrations.0002_seed_frameworks").seed(
            apps, None)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "360"])
def test_the_scorecard_reads_at_1280_and_360_px(site: str, new_context: Any,
                                               viewport: dict[str, int]) -> None:
    _seed_frameworks()
    city = make_city()
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing())
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer)
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist)
    from onestop.scorecard import rollups

    rollups.refresh()
    page = new_context(viewport=viewport).new_page()
    problems: list[str] = []
    sign_in_staff(page, site, "leader")
    page.goto(f"{site}/backoffice/scorecard/")
    check_page(page, "scorecard", problems)
    assert page.locator(".sc-bars__row").count() >= 1
    # The unit's name is on one line of its own and not cut (its box is as wide as its text).
    label = page.locator(".sc-bars__label").first
    assert label.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    assert not problems, "\n".join(problems)
