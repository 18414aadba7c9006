"""Businesses file too (Decision 766: "for citizens and businesses"; docs/domain.md §13)."""

import pytest

from onestop.core.errors import ValidationFailed
from onestop.core.identifiers import normalise_tax_code
from onestop.dossiers import services as svc
from onestop.dossiers.models import ApplicantKind
from onestop.dossiers.selectors import QueueFilters, dossier_queue_for
from onestop.testing import vn

pytestmark = pytest.mark.django_db


def business(city, **applicant):
    data = {"name": "Công ty TNHH Lúa Vàng", "kind": "organisation",
            "tax_code": "1800123456", "representative": "Trương Văn Lộc",
            "address": "Số 5 Đường Mậu Thân, Phường Ninh Kiều"}
    data.update(applicant)
    filing = city.filing()
    return svc.Filing(procedure_version=filing.procedure_version,
                      receiving_agency=filing.receiving_agency,
                      applicant=svc.Applicant(**data), documents=filing.documents)


@pytest.mark.parametrize("raw, code", [
    ("1800123456", "1800123456"), ("1800123456-001", "1800123456-001"),
    ("1800123456001", "1800123456-001"), (" 1800 123 456 ", "1800123456"),
])
def test_an_enterprise_code_is_ten_digits_and_a_branch_adds_three(raw, code):
    assert normalise_tax_code(raw) == code


@pytest.mark.parametrize("raw", ["180012345", "18001234567", "1800123456-01", "18001234AB",
                                 "1800123456-0011", ""])
def test_a_malformed_enterprise_code_is_refused_with_a_clear_message(raw):
    with pytest.raises(ValidationFailed, match="10 chữ số"):
        normalise_tax_code(raw)


def test_a_business_files_through_its_legal_representative(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=business(city),
                                      at=vn(2026, 3, 2, 8))
    assert d.applicant_kind == ApplicantKind.ORGANISATION and d.addressee == "Tổ chức"
    assert d.applicant_tax_code == "1800123456"
    assert d.applicant_representative == "Trương Văn Lộc"


def test_a_business_needs_its_legal_representative(city):
    with pytest.raises(ValidationFailed, match="đại diện theo pháp luật"):
        svc.dossier_intake_at_counter(officer=city.officer,
                                      filing=business(city, representative=" "),
                                      at=vn(2026, 3, 2, 8))


def test_someone_else_filing_for_a_business_needs_an_authorisation(city):
    with pytest.raises(ValidationFailed, match="văn bản ủy quyền"):
        svc.dossier_intake_at_counter(officer=city.officer,
                                      filing=business(city, filer_name="Nguyễn Thị Hoa"),
                                      at=vn(2026, 3, 2, 8))
    d = svc.dossier_intake_at_counter(
        officer=city.officer, at=vn(2026, 3, 2, 8),
        filing=business(city, filer_name="Nguyễn Thị Hoa",
                        authorisation="Giấy ủy quyền số 12/2026/UQ"))
    assert d.filer_name == "Nguyễn Thị Hoa" and d.authorisation.startswith("Giấy ủy quyền")


def test_a_person_is_addressed_ong_ba(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    assert d.applicant_kind == ApplicantKind.INDIVIDUAL and d.addressee == "Ông/Bà"


def test_the_back_office_finds_a_business_by_its_tax_code(city):
    a = svc.dossier_intake_at_counter(officer=city.officer, filing=business(city),
                                      at=vn(2026, 3, 2, 8))
    b = svc.dossier_intake_at_counter(
        officer=city.officer, filing=business(city, tax_code="1800123456-002"),
        at=vn(2026, 3, 2, 9))
    svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                  at=vn(2026, 3, 2, 10))

    def found(text):
        return set(dossier_queue_for(user=city.officer, tab="agency",
                                     filters=QueueFilters(status=2, text=text))
                   .values_list("pk", flat=True))

    assert found("1800123456") == {a.pk, b.pk}
    assert found("1800123456-002") == {b.pk}
