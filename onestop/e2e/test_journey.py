"""The whole journey in Chromium: a citizen signs up and files online with uploads; the
officer receives, the specialist and the leader process, the officer returns the result
with an electronic file; the citizen downloads it and rates the service.

Staff and the citizen use separate browser contexts (separate cookie jars), as they use
separate sign-in pages. Assertions on the page use structure (URLs, form names, statuses
read back from the database), not English text: the pages are in Vietnamese.
"""

from __future__ import annotations

from typing import Any

import pytest

from onestop.dossiers.models import Dossier, DossierDocument, Status
from onestop.feedback.models import Rating, RatingCriterion
from onestop.testing import make_city

from .browser import (
    PHONE,
    act,
    dossier_pk_from,
    pdf_bytes,
    png_bytes,
    sign_in_staff,
    sign_up,
    upload,
)

# Transactional: the live server's thread sees committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-an-toan-2026"


def test_citizen_files_online_staff_process_citizen_downloads_and_rates(
        site: str, new_context: Any, migration_seeds: None) -> None:
    city = make_city()
    required = list(city.version.documents.filter(optional=False).order_by("order"))
    assert RatingCriterion.objects.filter(active=True).exists()
    code = city.version.procedure.code

    # --- the citizen, on a phone-sized screen ------------------------------------------
    citizen = new_context(viewport=PHONE).new_page()
    sign_up(citizen, site, name="Nguyễn Thị Hoa", cccd="092187001001", phone="0900000001",
            email="hoa@example.com", password=PASSWORD)
    citizen.goto(f"{site}/thu-tuc/?q=khai+sinh")
    with citizen.expect_navigation():
        citizen.locator(f"a[href='/thu-tuc/{code}/']").first.click()
    with citizen.expect_navigation():
        citizen.locator(f"a[href='/nop-ho-so/{code}/']").click()
    # Step 1: the account prefilled the applicant.
    assert citizen.input_value("#id_name") == "Nguyễn Thị Hoa"
    assert citizen.input_value("#id_id_number") == "092187001001"
    citizen.fill("#id_address", "12 Hòa Bình, phường Ninh Kiều, Cần Thơ")
    citizen.select_option("#id_centre", str(city.centre.pk))
    with citizen.expect_navigation():
        citizen.locator("main form button[type=submit]").click()
    # Step 2: one real PDF and one real PNG.
    files = [upload("to-khai.pdf", pdf_bytes("To khai"), "application/pdf"),
             upload("cccd.png", png_bytes(), "image/png")]
    for doc, file in zip(required, files, strict=True):
        citizen.set_input_files(f"#doc-{doc.pk}", file)
    with citizen.expect_navigation():
        citizen.locator("button[name=next]").click()
    assert citizen.url.endswith(f"/nop-ho-so/{code}/xem-lai/")
    # Step 3: review and send.
    with citizen.expect_navigation():
        citizen.locator(f"form[action='/nop-ho-so/{code}/xem-lai/'] button[type=submit]").click()
    pk = dossier_pk_from(citizen.url)

    dossier = Dossier.objects.get(pk=pk)
    assert dossier.status == Status.SUBMITTED and dossier.applicant.cccd == "092187001001"
    sent = {d.required_document_id: d.file.read() for d in dossier.documents.all()}
    assert sent[required[0].pk].startswith(b"%PDF") and sent[required[1].pk].startswith(
        b"\x89PNG")

    # --- the back office: officer, specialist, leader, each in their own context --------
    officer = new_context().new_page()
    sign_in_staff(officer, site, "officer")
    act(officer, site, pk, "receive")
    assert Dossier.objects.get(pk=pk).status == Status.RECEIVED
    act(officer, site, pk, "hand_over", select={"assignee": str(city.specialist.pk)})

    specialist = new_context().new_page()
    sign_in_staff(specialist, site, "specialist")
    act(specialist, site, pk, "hand_over", fill={"note": "Hồ sơ hợp lệ"})

    leader = new_context().new_page()
    sign_in_staff(leader, site, "leader")
    act(leader, site, pk, "approve")
    assert Dossier.objects.get(pk=pk).status == Status.RESULT_READY

    result = pdf_bytes("Giay khai sinh")
    act(officer, site, pk, "return_result",
        files={"result_file": upload("ket-qua.pdf", result, "application/pdf")})
    dossier = Dossier.objects.get(pk=pk)
    assert dossier.status == Status.RETURNED
    assert dossier.documents.filter(kind=DossierDocument.Kind.RESULT).exists()

    # --- the citizen downloads the result and rates the service ------------------------
    citizen.goto(f"{site}/ho-so-cua-toi/{pk}/")
    with citizen.expect_download() as download_info:
        citizen.locator("section.result a[download]").first.click()
    assert open(download_info.value.path(), "rb").read() == result

    with citizen.expect_navigation():
        citizen.locator(f"a[href='/danh-gia/{pk}/']").click()
    for fieldset in citizen.locator("form.rating-form fieldset").all():
        fieldset.locator("input[type=radio][value='5']").check()
    with citizen.expect_navigation():
        citizen.locator("form.rating-form button[type=submit]").click()
    rating = Rating.objects.get(dossier_id=pk)
    assert sorted(s.score for s in rating.scores.all()) == [5] * RatingCriterion.objects.filter(
        active=True).count()
    # The dossier page now shows the rating instead of the link.
    citizen.goto(f"{site}/ho-so-cua-toi/{pk}/")
    assert citizen.locator(f"a[href='/danh-gia/{pk}/']").count() == 0
    assert citizen.locator("#rate-h").count() == 1
