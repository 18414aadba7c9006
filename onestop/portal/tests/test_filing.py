"""Online filing in three steps; files are checked by their bytes, kept between steps and
after a refusal, and attached to the dossier on submit."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onestop.dossiers.models import Dossier, DossierDocument, Status
from onestop.testing import PDF_BYTES

from .conftest import PNG_BYTES

pytestmark = pytest.mark.django_db

PNG_PAGE_2 = PNG_BYTES + b"\x01"  # another page: other bytes (the same bytes are kept once)
START = "/nop-ho-so/1.001193/"
DOCS = START + "giay-to/"
REVIEW = START + "xem-lai/"


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


def applicant(city, **changes):
    data = {"name": "Nguyễn Thị Hoa", "id_number": "092187001001", "phone": "0900000001",
            "email": "", "address": "Số 1, Phường Ninh Kiều", "centre": city.centre.pk}
    data.update(changes)
    return data


def slots(city) -> dict[str, int]:
    return {d.name: d.pk for d in city.version.documents.all()}


def test_anonymous_visitors_sign_in_first(client, city):
    response = client.get(START)
    assert response.status_code == 302
    assert response["Location"] == f"/tai-khoan/dang-nhap/?next={START}"


def test_step_one_is_prefilled_from_the_account(signed_in, city, citizen):
    form = signed_in.get(START).context["form"]
    assert form.initial["name"] == citizen.full_name
    assert form.initial["id_number"] == citizen.cccd and form.initial["phone"] == citizen.phone


def test_step_one_validates_cccd_and_phone(signed_in, city):
    response = signed_in.post(START, applicant(city, id_number="123", phone="12345"))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"id_number", "phone"}


def test_the_whole_filing_creates_a_submitted_dossier_with_the_files(
        signed_in, city, citizen, settings, django_capture_on_commit_callbacks):
    assert signed_in.post(START, applicant(city))["Location"] == DOCS
    ids = slots(city)
    response = signed_in.post(DOCS, {
        f"doc-{ids['Tờ khai theo mẫu']}": SimpleUploadedFile("to khai.pdf", PDF_BYTES),
        f"doc-{ids['Giấy tờ tùy thân']}": [SimpleUploadedFile("cccd-1.png", PNG_BYTES),
                                          SimpleUploadedFile("cccd-2.png", PNG_PAGE_2)],
    })
    assert response.status_code == 302 and response["Location"] == REVIEW
    review = signed_in.get(REVIEW)
    assert "cccd-2.png" in review.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(REVIEW)
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/ho-so-cua-toi/{dossier.pk}/"
    assert dossier.status == Status.SUBMITTED and dossier.code is None
    assert dossier.applicant == citizen and dossier.receiving_agency == city.centre
    files = dossier.documents.filter(kind=DossierDocument.Kind.SUBMITTED)
    assert files.count() == 3
    assert {f.file.read() for f in files} == {PDF_BYTES, PNG_BYTES, PNG_PAGE_2}
    # The staging copies are gone, the draft too.
    staging = Path(settings.MEDIA_ROOT) / "staging" / str(citizen.pk)
    assert not staging.exists() or not any(staging.iterdir())
    page = signed_in.get(response["Location"]).content.decode()
    assert f"#{dossier.pk}" in page  # the draft reference until the officer gives a code


def test_a_text_file_renamed_to_pdf_is_refused_and_the_accepted_file_kept(signed_in, city):
    signed_in.post(START, applicant(city))
    ids = slots(city)
    response = signed_in.post(DOCS, {
        f"doc-{ids['Tờ khai theo mẫu']}": SimpleUploadedFile("to-khai.pdf", PDF_BYTES),
        f"doc-{ids['Giấy tờ tùy thân']}": SimpleUploadedFile(
            "cccd.pdf", b"just some text, not a PDF", content_type="application/pdf"),
    })
    assert response.status_code == 400
    body = response.content.decode()
    assert "cccd.pdf" in body and "to-khai.pdf" in body  # the message and the kept file
    slot = next(s for s in response.context["slots"] if s["document"].pk == ids["Giấy tờ tùy thân"])
    assert slot["errors"] and not slot["files"]
    # Only the missing file is sent again; the first one was kept.
    response = signed_in.post(DOCS, {
        f"doc-{ids['Giấy tờ tùy thân']}": SimpleUploadedFile("cccd.png", PNG_BYTES)})
    assert response["Location"] == REVIEW


def test_a_file_over_the_size_limit_is_refused(signed_in, city, settings):
    settings.ONESTOP_UPLOAD_MAX_BYTES = len(PDF_BYTES)
    signed_in.post(START, applicant(city))
    ids = slots(city)
    response = signed_in.post(DOCS, {
        f"doc-{ids['Tờ khai theo mẫu']}": SimpleUploadedFile("to-khai.pdf", PDF_BYTES),
        f"doc-{ids['Giấy tờ tùy thân']}": SimpleUploadedFile("big.pdf", PDF_BYTES + b"x"),
    })
    assert response.status_code == 400
    assert "big.pdf" in response.content.decode()
    assert [len(s["files"]) for s in response.context["slots"]] == [1, 0, 0]


def test_too_many_files_are_refused(signed_in, city, settings):
    settings.ONESTOP_UPLOAD_MAX_FILES = 2
    signed_in.post(START, applicant(city))
    ids = slots(city)
    response = signed_in.post(DOCS, {
        f"doc-{ids['Tờ khai theo mẫu']}": SimpleUploadedFile("a.pdf", PDF_BYTES),
        f"doc-{ids['Giấy tờ tùy thân']}": [SimpleUploadedFile("b.png", PNG_BYTES),
                                          SimpleUploadedFile("c.png", PNG_PAGE_2)],
    })
    assert response.status_code == 400
    assert "c.png" in response.content.decode()
    assert [len(s["files"]) for s in response.context["slots"]] == [1, 1, 0]


def test_required_documents_need_a_file_optional_ones_may_stay_empty(signed_in, city):
    signed_in.post(START, applicant(city))
    ids = slots(city)
    response = signed_in.post(DOCS, {
        f"doc-{ids['Tờ khai theo mẫu']}": SimpleUploadedFile("a.pdf", PDF_BYTES)})
    assert response.status_code == 400 and "Giấy tờ tùy thân" in response.context["problem"]
    assert signed_in.get(REVIEW)["Location"] == DOCS  # no review before it is complete
    response = signed_in.post(DOCS, {
        f"doc-{ids['Giấy tờ tùy thân']}": SimpleUploadedFile("b.png", PNG_BYTES)})
    assert response["Location"] == REVIEW  # "Giấy ủy quyền" is optional


def test_a_staged_file_can_be_removed(signed_in, city):
    signed_in.post(START, applicant(city))
    ids = slots(city)
    response = signed_in.post(DOCS, {
        f"doc-{ids['Tờ khai theo mẫu']}": SimpleUploadedFile("a.pdf", PDF_BYTES)})
    token = response.context["slots"][0]["files"][0].token
    signed_in.post(DOCS, {"remove": token})
    assert signed_in.get(DOCS).context["slots"][0]["files"] == []


def test_a_failed_submit_loses_nothing(signed_in, city):
    signed_in.post(START, applicant(city))
    ids = slots(city)
    signed_in.post(DOCS, {
        f"doc-{ids['Tờ khai theo mẫu']}": SimpleUploadedFile("a.pdf", PDF_BYTES),
        f"doc-{ids['Giấy tờ tùy thân']}": SimpleUploadedFile("b.png", PNG_BYTES)})
    # The procedure's competent agency is removed meanwhile: the service refuses the filing.
    justice = city.version.competent_agencies.get()
    city.version.competent_agencies.clear()
    response = signed_in.post(REVIEW)
    assert response.status_code == 400 and response.context["error"]
    assert not Dossier.objects.exists()
    city.version.competent_agencies.add(justice)
    assert signed_in.post(REVIEW).status_code == 302
    assert Dossier.objects.get().documents.count() == 2


def test_another_users_staged_path_is_never_read(signed_in, city, citizen):
    from onestop.dossiers.models import FilingDraft

    signed_in.post(START, applicant(city))
    draft = FilingDraft.objects.get(owner=citizen)
    draft.data["files"] = {str(slots(city)["Tờ khai theo mẫu"]): [{
        "token": "x", "path": "staging/999/secret.pdf", "name": "s.pdf", "size": 1,
        "mime": "application/pdf"}]}
    draft.save()
    assert signed_in.get(DOCS).context["slots"][0]["files"] == []
    assert draft.staged_paths() == []  # nor deleted with the draft


def test_a_procedure_several_agencies_handle_asks_which_one_and_files_with_it(signed_in, city):
    from onestop.agencies.models import Agency
    binh_thuy = Agency.objects.create(code="000.02.01.H99", name="UBND phường Bình Thủy",
                                      kind=Agency.Kind.COMMUNE_COMMITTEE)
    city.version.competent_agencies.add(binh_thuy)
    # Step 1 asks; without an answer the form says so and nothing moves on.
    response = signed_in.post(START, applicant(city))
    assert response.status_code == 400 and "competent" in response.context["form"].errors
    assert signed_in.post(START, applicant(city, competent=binh_thuy.pk))["Location"] == DOCS
    ids = slots(city)
    signed_in.post(DOCS, {
        f"doc-{ids['Tờ khai theo mẫu']}": SimpleUploadedFile("to khai.pdf", PDF_BYTES),
        f"doc-{ids['Giấy tờ tùy thân']}": SimpleUploadedFile("cccd.png", PNG_BYTES),
    })
    assert "UBND phường Bình Thủy" in signed_in.get(REVIEW).content.decode()
    signed_in.post(REVIEW)
    assert Dossier.objects.get().handling_agency == binh_thuy


def test_choosing_every_file_again_after_a_refusal_keeps_each_file_once(signed_in, city):
    signed_in.post(START, applicant(city))
    ids = slots(city)
    form, card = ids["Tờ khai theo mẫu"], ids["Giấy tờ tùy thân"]
    signed_in.post(DOCS, {
        f"doc-{form}": SimpleUploadedFile("to-khai.pdf", PDF_BYTES),
        f"doc-{card}": SimpleUploadedFile("cccd.pdf", b"not a PDF",
                                          content_type="application/pdf"),
    })
    # The citizen picks both files again, the refused one now a real image.
    response = signed_in.post(DOCS, {
        f"doc-{form}": SimpleUploadedFile("to-khai.pdf", PDF_BYTES),
        f"doc-{card}": SimpleUploadedFile("cccd.png", PNG_BYTES),
    })
    assert response["Location"] == REVIEW
    page = signed_in.get(DOCS)
    staged = {s["document"].pk: [f.name for f in s["files"]] for s in page.context["slots"]}
    assert staged[form] == ["to-khai.pdf"] and staged[card] == ["cccd.png"]


def test_a_file_chosen_twice_is_kept_once_and_the_citizen_is_told(signed_in, city):
    signed_in.post(START, applicant(city))
    ids = slots(city)
    form = ids["Tờ khai theo mẫu"]
    signed_in.post(DOCS, {f"doc-{form}": SimpleUploadedFile("to-khai.pdf", PDF_BYTES)})
    response = signed_in.post(DOCS, {f"doc-{form}": SimpleUploadedFile("trang-1.pdf",
                                                                        PDF_BYTES)})
    body = response.content.decode()
    assert "trang-1.pdf" in body and "chỉ giữ một bản" in body
    slot = next(s for s in response.context["slots"] if s["document"].pk == form)
    assert len(slot["files"]) == 1


def test_the_file_limit_reads_as_a_maximum(signed_in, city):
    signed_in.post(START, applicant(city))
    body = signed_in.get(DOCS).content.decode()
    assert "tối đa 20 tệp cho cả hồ sơ" in body and "tổng cộng 20 tệp" not in body
