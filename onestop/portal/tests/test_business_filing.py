"""A business files online through its representative (issue 10): the representative's own
account registers the business, chooses it in step 1, and the dossier names the organisation."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onestop.accounts.businesses import BusinessDetails, business_register
from onestop.accounts.models import Business
from onestop.dossiers.models import ApplicantKind, Dossier
from onestop.testing import PDF_BYTES

pytestmark = pytest.mark.django_db

START = "/nop-ho-so/1.001193/"
BUSINESS = {"name": "Công ty TNHH Gạo Sạch Cần Thơ", "tax_code": "1801 234 567",
            "head_office": "12 Đường 30/4, phường Ninh Kiều",
            "representative": "Nguyễn Thị Hoa", "holder": "representative",
            "authorisation": "", "phone": "", "email": ""}


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


def test_sign_up_offers_the_way_to_a_business_account(client, db):
    page = client.get("/tai-khoan/dang-ky/").content.decode()
    assert "/tai-khoan/dang-ky/?next=/tai-khoan/doanh-nghiep/them/" in page
    page = client.get("/tai-khoan/dang-ky/?next=/tai-khoan/doanh-nghiep/them/").content.decode()
    assert "legal representative" in page or "người đại diện theo pháp luật" in page


def test_the_representative_adds_a_business_with_its_tax_code_normalised(signed_in, citizen):
    response = signed_in.post("/tai-khoan/doanh-nghiep/them/", BUSINESS)
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/doanh-nghiep/"
    business = Business.objects.get()
    assert business.account == citizen and business.tax_code == "1801234567"
    assert business.phone == citizen.phone  # empty: the holder's own
    assert "Công ty TNHH Gạo Sạch Cần Thơ" in signed_in.get(
        "/tai-khoan/doanh-nghiep/").content.decode()


def test_a_bad_tax_code_and_a_missing_authorisation_are_shown_on_the_form(signed_in):
    response = signed_in.post("/tai-khoan/doanh-nghiep/them/", {
        **BUSINESS, "tax_code": "18012", "holder": "authorised"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"tax_code", "authorisation"}
    assert response.context["form"].data["name"] == BUSINESS["name"]  # nothing typed is lost
    assert not Business.objects.exists()


def test_the_same_tax_code_twice_is_refused_with_a_message(signed_in):
    signed_in.post("/tai-khoan/doanh-nghiep/them/", BUSINESS)
    response = signed_in.post("/tai-khoan/doanh-nghiep/them/", BUSINESS)
    assert response.status_code == 400 and "1801234567" in response.content.decode()
    assert Business.objects.count() == 1


def test_a_filing_for_the_business_names_the_organisation_filed_through_the_person(
        signed_in, city, citizen):
    business = business_register(account=citizen, details=BusinessDetails(
        name="HTX Nông nghiệp Phong Điền", tax_code="1800999888",
        head_office="Ấp Nhơn Lộc 1, xã Phong Điền", representative="Trần Văn Bé",
        holder="authorised", authorisation="Giấy ủy quyền số 03/2026/UQ ngày 02/01/2026"))
    step1 = signed_in.get(START)
    assert "HTX Nông nghiệp Phong Điền" in step1.content.decode()
    response = signed_in.post(START, {
        "business": business.pk, "name": "Nguyễn Thị Hoa", "id_number": "092187001001",
        "phone": "0900000001", "email": "", "address": "Số 1, Phường Ninh Kiều",
        "centre": city.centre.pk})
    assert response.status_code == 302
    ids = {d.name: d.pk for d in city.version.documents.all()}
    signed_in.post(START + "giay-to/", {
        f"doc-{ids['Tờ khai theo mẫu']}": SimpleUploadedFile("to-khai.pdf", PDF_BYTES),
        f"doc-{ids['Giấy tờ tùy thân']}": SimpleUploadedFile("cccd.pdf", PDF_BYTES + b" ")})
    review = signed_in.get(START + "xem-lai/").content.decode()
    assert "1800999888" in review and "Trần Văn Bé" in review
    signed_in.post(START + "xem-lai/")
    dossier = Dossier.objects.get()
    assert dossier.applicant_kind == ApplicantKind.ORGANISATION
    assert dossier.applicant_name == "HTX Nông nghiệp Phong Điền"
    assert dossier.applicant_tax_code == "1800999888"
    assert dossier.applicant_representative == "Trần Văn Bé"
    assert dossier.filer_name == "Nguyễn Thị Hoa" and dossier.filer_id_number == "092187001001"
    assert dossier.authorisation.startswith("Giấy ủy quyền số 03/2026/UQ")
    assert dossier.applicant == citizen  # it is in the representative's "My dossiers"
    assert signed_in.get("/ho-so-cua-toi/").status_code == 200


def test_someone_elses_business_cannot_be_chosen_or_removed(client, city, citizen,
                                                            other_citizen):
    business = business_register(account=citizen, details=BusinessDetails(
        name="Công ty A", tax_code="1801234567", head_office="Cần Thơ",
        representative="Nguyễn Thị Hoa"))
    client.force_login(other_citizen)
    assert "Công ty A" not in client.get(START).content.decode()
    response = client.post(START, {
        "business": business.pk, "name": "Lê Văn Tám", "id_number": "092090005678",
        "phone": "0900000002", "address": "Cần Thơ", "centre": city.centre.pk})
    # With no business of their own the choice is not offered: the filing is theirs, a person's.
    assert response.status_code == 302
    ids = {d.name: d.pk for d in city.version.documents.all()}
    client.post(START + "giay-to/", {
        f"doc-{ids['Tờ khai theo mẫu']}": SimpleUploadedFile("to-khai.pdf", PDF_BYTES),
        f"doc-{ids['Giấy tờ tùy thân']}": SimpleUploadedFile("cccd.pdf", PDF_BYTES + b" ")})
    client.post(START + "xem-lai/")
    dossier = Dossier.objects.get()
    assert dossier.applicant_kind == ApplicantKind.INDIVIDUAL
    assert dossier.applicant_name == "Lê Văn Tám"
    assert client.post(f"/tai-khoan/doanh-nghiep/{business.pk}/xoa/").status_code == 404
    assert Business.objects.get().removed_at is None


def test_a_removed_business_is_no_longer_listed_and_may_be_added_again(signed_in, citizen):
    signed_in.post("/tai-khoan/doanh-nghiep/them/", BUSINESS)
    business = Business.objects.get()
    response = signed_in.post(f"/tai-khoan/doanh-nghiep/{business.pk}/xoa/")
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.removed_at is not None
    assert list(signed_in.get("/tai-khoan/doanh-nghiep/").context["businesses"]) == []
    # The same business may be added again later.
    assert signed_in.post("/tai-khoan/doanh-nghiep/them/", BUSINESS).status_code == 302


def test_a_business_removed_before_sending_stops_the_filing_and_keeps_the_draft(
        signed_in, city, citizen):
    business = business_register(account=citizen, details=BusinessDetails(
        name="Công ty A", tax_code="1801234567", head_office="Cần Thơ",
        representative="Nguyễn Thị Hoa"))
    signed_in.post(START, {
        "business": business.pk, "name": "Nguyễn Thị Hoa", "id_number": "092187001001",
        "phone": "0900000001", "address": "Cần Thơ", "centre": city.centre.pk})
    ids = {d.name: d.pk for d in city.version.documents.all()}
    signed_in.post(START + "giay-to/", {
        f"doc-{ids['Tờ khai theo mẫu']}": SimpleUploadedFile("to-khai.pdf", PDF_BYTES),
        f"doc-{ids['Giấy tờ tùy thân']}": SimpleUploadedFile("cccd.pdf", PDF_BYTES + b" ")})
    signed_in.post(f"/tai-khoan/doanh-nghiep/{business.pk}/xoa/")
    response = signed_in.post(START + "xem-lai/")
    assert response.status_code == 400 and not Dossier.objects.exists()
    assert "to-khai.pdf" in response.content.decode()  # the files are still there
