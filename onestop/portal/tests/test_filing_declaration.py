"""Online filing with the electronic form (tờ khai điện tử): the procedure's fields as a web
form, prefilled from the account, every problem shown at once, kept in the draft, standing
for the scanned declaration and printed for the centre."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onestop.dossiers.models import Dossier, DossierDocument, FilingDraft
from onestop.testing import BIRTH_DECLARATION, PDF_BYTES, add_electronic_form

from .test_filing import DOCS, REVIEW, START, applicant, slots

pytestmark = pytest.mark.django_db
FORM = START + "to-khai/"


@pytest.fixture
def with_form(city):
    add_electronic_form(city.version)
    return city


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


def test_the_form_comes_after_the_applicant_and_is_prefilled_from_the_account(
        signed_in, with_form, citizen):
    assert signed_in.post(START, applicant(with_form))["Location"] == FORM
    page = signed_in.get(FORM)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["requester_name"] == citizen.full_name
    assert form.initial["requester_id"] == citizen.cccd
    body = page.content.decode()
    assert "Người được đăng ký khai sinh" in body and 'type="date"' in body
    assert "Tờ khai điện tử" in body  # the step's name in the steps list
    # The documents step waits until the form is filled.
    assert signed_in.get(DOCS)["Location"] == FORM


def test_every_problem_of_the_form_is_shown_at_once_and_nothing_moves_on(signed_in,
                                                                         with_form):
    signed_in.post(START, applicant(with_form))
    response = signed_in.post(FORM, {**BIRTH_DECLARATION, "child_name": "",
                                     "child_birth_date": "2099-01-01", "mother_id": "12"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"child_name", "child_birth_date",
                                                    "mother_id"}
    body = response.content.decode()
    assert "Ngày này không thể sau ngày hôm nay." in body
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in body
    assert FilingDraft.objects.get().data["declaration"] is None


def test_filing_with_the_form_needs_no_scan_of_the_declaration(signed_in, with_form,
                                                              citizen):
    signed_in.post(START, applicant(with_form))
    assert signed_in.post(FORM, BIRTH_DECLARATION)["Location"] == DOCS
    documents = signed_in.get(DOCS)
    declaration_slot = next(s for s in documents.context["slots"]
                            if s["document"].name == "Tờ khai theo mẫu")
    assert declaration_slot["by_form"]
    ids = slots(with_form)
    response = signed_in.post(DOCS, {f"doc-{ids['Giấy tờ tùy thân']}":
                                     SimpleUploadedFile("cccd.pdf", PDF_BYTES)})
    assert response["Location"] == REVIEW
    review = signed_in.get(REVIEW).content.decode()
    assert "Trần Minh Khôi" in review and "20/11/2025" in review
    signed_in.post(REVIEW)
    dossier = Dossier.objects.get()
    assert dossier.declaration["child_name"] == "Trần Minh Khôi"
    printed = dossier.documents.get(required_document__name="Tờ khai theo mẫu")
    assert printed.kind == DossierDocument.Kind.SUBMITTED
    assert printed.file.read().startswith(b"%PDF-")
    assert not FilingDraft.objects.exists()


def test_the_form_is_kept_in_the_draft_and_shown_again(signed_in, with_form):
    signed_in.post(START, applicant(with_form))
    signed_in.post(FORM, BIRTH_DECLARATION)
    again = signed_in.get(FORM).context["form"]
    assert again.initial["child_name"] == "Trần Minh Khôi"
    assert FilingDraft.objects.get().data["declaration"]["child_birth_date"] == "2025-11-20"


def test_a_procedure_without_a_form_skips_the_step(signed_in, city):
    assert signed_in.post(START, applicant(city))["Location"] == DOCS
    assert signed_in.get(FORM)["Location"] == DOCS
