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

from .browser import (
    PHONE,
    check_page,
    local_only,
    menu_rows,
    png_bytes,
    sign_in_citizen,
    sign_in_staff,
    upload,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-an-toan-2026"
DESKTOP = {"width": 1280, "height": 900}


def test_the_api_docs_work_with_no_other_host_reachable(site: str, new_context: Any) -> None:
    context = new_context(viewport=DESKTOP)
    blocked = local_only(context, site)
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
    blocked = local_only(context, site)
    page = context.new_page()
    problems: list[str] = []

    page.goto(site + "/")
    check_page(page, "home", problems)
    assert page.locator("#frequent-h").count() == 1
    if viewport["width"] >= 1280:
        assert menu_rows(page) == 1  # the whole menu on one row, "Đăng nhập" included
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


def _shot(page: Any, name: str) -> None:
    """Keep a screenshot to look at when ONESTOP_SCREENSHOT_DIR is set."""
    import os
    from pathlib import Path

    folder = os.environ.get("ONESTOP_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "360"])
def test_a_citizen_fills_the_electronic_form_leaves_and_sends_the_saved_draft_later(
        site: str, new_context: Any, viewport: dict[str, int]) -> None:
    from onestop.testing import BIRTH_DECLARATION, add_electronic_form

    city = make_city()
    add_electronic_form(city.version)
    account = citizen_sign_up(full_name="Nguyễn Thị Hoa", cccd="092187001001",
                              phone="0900000001", email="hoa@example.com", password=PASSWORD)
    code = city.version.procedure.code
    card = city.version.documents.get(name="Giấy tờ tùy thân")
    problems: list[str] = []
    size = str(viewport["width"])
    page = new_context(viewport=viewport).new_page()
    sign_in_citizen(page, site, login=account.phone, password=PASSWORD)

    page.goto(f"{site}/nop-ho-so/{code}/")
    page.fill("#id_address", "Số 1, Phường Ninh Kiều")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith(f"/nop-ho-so/{code}/to-khai/")
    assert page.input_value("#id_requester_name") == "Nguyễn Thị Hoa"  # from the account
    check_page(page, "electronic form", problems)
    _shot(page, f"form-{size}")
    # A birth date in the future and a missing name: both shown at once.
    for key, value in BIRTH_DECLARATION.items():
        if key.startswith("requester_") and key != "requester_relation":
            continue
        field = page.locator(f"#id_{key}")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.fill("#id_child_name", "")
    page.fill("#id_child_birth_date", "2099-01-01")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    body = page.content()
    assert "Ngày này không thể sau ngày hôm nay." in body and "Mục này là bắt buộc." in body
    check_page(page, "electronic form with errors", problems)
    _shot(page, f"form-errors-{size}")
    page.fill("#id_child_name", BIRTH_DECLARATION["child_name"])
    page.fill("#id_child_birth_date", BIRTH_DECLARATION["child_birth_date"])
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith(f"/nop-ho-so/{code}/giay-to/")
    assert "Đã khai bằng tờ khai điện tử" in page.content()
    check_page(page, "documents with the form", problems)
    page.set_input_files(f"#doc-{card.pk}", upload("cccd.png", png_bytes(), "image/png"))
    with page.expect_navigation():
        page.locator("main form button[name=next]").click()
    assert page.url.endswith(f"/nop-ho-so/{code}/xem-lai/")

    # Leaves before sending (another device, a new session); the draft waits under
    # "Hồ sơ của tôi" with the file already accepted.
    page = new_context(viewport=viewport).new_page()
    sign_in_citizen(page, site, login=account.phone, password=PASSWORD)
    page.goto(f"{site}/ho-so-cua-toi/")
    assert "Bản nháp đã lưu" in page.content()
    check_page(page, "my dossiers with a draft", problems)
    _shot(page, f"drafts-{size}")
    with page.expect_navigation():
        page.locator("a", has_text="Tiếp tục nộp hồ sơ này").click()
    assert "cccd.png" in page.content()  # not lost, not uploaded again
    with page.expect_navigation():
        page.locator("main form button[name=next]").click()
    assert page.url.endswith(f"/nop-ho-so/{code}/xem-lai/")
    assert "Trần Minh Khôi" in page.content()
    check_page(page, "review with the form", problems)
    _shot(page, f"review-{size}")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    dossier = Dossier.objects.get()
    assert dossier.declaration["child_name"] == "Trần Minh Khôi"
    assert dossier.documents.filter(required_document__electronic_form=True).count() == 1
    page.goto(f"{site}/ho-so-cua-toi/")
    assert "Bản nháp đã lưu" not in page.content()
    # The officer reads the form as filed, and its printed PDF among the documents.
    officer = new_context(viewport=viewport).new_page()
    sign_in_staff(officer, site, "officer")
    officer.goto(f"{site}/backoffice/dossiers/{dossier.pk}/")
    assert "Tờ khai điện tử đã nộp" in officer.content()
    check_page(officer, "back-office dossier with the form", problems)
    _shot(officer, f"officer-form-{size}")
    assert not problems, "\n".join(problems)


def test_the_specialist_drafts_the_result_and_the_leader_approves_seeing_it(
        site: str, new_context: Any) -> None:
    from .browser import act, pdf_bytes

    city = make_city()
    received = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing())
    svc.dossier_hand_over(dossier_id=received.pk, actor=city.officer)
    problems: list[str] = []

    specialist = new_context(viewport=DESKTOP).new_page()
    sign_in_staff(specialist, site, "specialist")
    act(specialist, site, received.pk, "draft_result", fill={"note": "Kính trình"},
        files={"result_file": upload("giay-khai-sinh.pdf", pdf_bytes("GIAY KHAI SINH"),
                                     "application/pdf")})
    check_page(specialist, "specialist after the draft", problems)
    act(specialist, site, received.pk, "hand_over")

    leader = new_context(viewport=DESKTOP).new_page()
    sign_in_staff(leader, site, "leader")
    leader.goto(f"{site}/backoffice/dossiers/{received.pk}/")
    callout = leader.locator(".callout", has_text="Dự thảo kết quả trình phê duyệt")
    assert callout.count() == 1
    check_page(leader, "leader sees the draft", problems)
    _shot(leader, "leader-draft-1280")
    opened = leader.request.get(site + str(callout.locator("a").get_attribute("href")))
    assert opened.status == 200 and opened.body().startswith(b"%PDF-")
    act(leader, site, received.pk, "approve")
    d = Dossier.objects.get(pk=received.pk)
    assert d.status == Status.RESULT_READY
    assert d.documents.filter(kind=DossierDocument.Kind.RESULT).exists()
    assert not problems, "\n".join(problems)
