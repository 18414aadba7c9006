"""The electronic form (tờ khai điện tử): a version's fields as data, every value checked,
stored with the dossier and printed to a PDF filed as the declaration document; the scan
stays possible when no form is filled in."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest

from onestop.catalog.services import procedure_version_copy
from onestop.core.errors import ValidationFailed
from onestop.dossiers import services as svc
from onestop.dossiers.declaration import declaration_check, fields_of
from onestop.dossiers.models import DossierDocument
from onestop.testing import BIRTH_DECLARATION, add_electronic_form, vn

from .test_pdf_forms import pdf_text

pytestmark = pytest.mark.django_db
AT = vn(2026, 12, 1, 9)
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _online(city, declaration, *, without_declaration_document=True):
    filing = city.filing()
    docs = [d for d in filing.documents
            if not (without_declaration_document and d.required_document_id ==
                    city.version.documents.get(order=1).pk)]
    return replace(filing, documents=docs, declaration=declaration)


def test_a_filled_form_stands_for_the_declaration_and_is_printed_for_staff(city):
    add_electronic_form(city.version)
    dossier = svc.dossier_submit_online(filing=_online(city, BIRTH_DECLARATION), at=AT)
    assert dossier.declaration["child_name"] == "Trần Minh Khôi"
    assert dossier.declaration["child_birth_date"] == "2025-11-20"
    printed = DossierDocument.objects.get(dossier=dossier, required_document__order=1)
    assert printed.kind == DossierDocument.Kind.SUBMITTED and printed.name == "Tờ khai theo mẫu"
    text = pdf_text(printed.file.read())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TỜ KHAI", "Kính gửi: Sở Tư pháp",
                     "Người được đăng ký khai sinh", "Trần Minh Khôi", "20/11/2025",
                     "Bệnh viện Phụ sản thành phố Cần Thơ", "Mẹ", "Nguyễn Thị Hoa",
                     "Tôi cam đoan"):
        assert expected in text, expected


def test_every_problem_of_the_form_is_named_at_once(city):
    add_electronic_form(city.version)
    bad = {**BIRTH_DECLARATION, "child_name": "", "child_birth_date": "2027-01-01",
           "child_sex": "Không rõ", "mother_birth_year": "năm 87", "mother_id": "123"}
    checked = declaration_check(fields_of(city.version), bad, today=TODAY)
    assert set(checked.errors) == {"child_name", "child_birth_date", "child_sex",
                                   "mother_birth_year", "mother_id"}
    with pytest.raises(ValidationFailed) as exc:
        svc.dossier_submit_online(filing=_online(city, bad), at=AT)
    assert "Ngày, tháng, năm sinh" in str(exc.value) or "Date" in str(exc.value)
    assert not city.version.dossiers.exists()


def test_a_date_reads_as_dd_mm_yyyy_or_iso_and_is_stored_iso(city):
    add_electronic_form(city.version)
    values = declaration_check(fields_of(city.version),
                               {**BIRTH_DECLARATION, "child_birth_date": "05/03/2026"},
                               today=TODAY).values
    assert values["child_birth_date"] == "2026-03-05"


def test_without_the_form_the_declaration_is_still_uploaded_as_a_scan(city):
    add_electronic_form(city.version)
    with pytest.raises(ValidationFailed):  # neither the form nor the scan: incomplete
        svc.dossier_submit_online(filing=_online(city, None), at=AT)
    dossier = svc.dossier_submit_online(
        filing=_online(city, None, without_declaration_document=False), at=AT)
    assert dossier.declaration == {}


def test_a_procedure_without_a_form_refuses_a_declaration(city):
    with pytest.raises(ValidationFailed):
        svc.dossier_submit_online(filing=_online(city, BIRTH_DECLARATION), at=AT)


def test_a_new_version_copies_the_form_and_may_change_it(city):
    add_electronic_form(city.version)
    draft = procedure_version_copy(version=city.version)
    assert [f.key for f in draft.declaration_fields.all()] == [
        f.key for f in city.version.declaration_fields.all()]
    assert draft.documents.get(order=1).electronic_form
    draft.declaration_fields.filter(key="child_home_town").delete()
    assert city.version.declaration_fields.filter(key="child_home_town").exists()
