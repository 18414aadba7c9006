"""Catalog search: accents, đ and case never matter, name matches come first, and the
folded columns follow every change of what they fold."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from onestop.agencies.models import Agency
from onestop.catalog.models import Field, ProcedureVersion, RequiredDocument
from onestop.catalog.selectors import (
    RANK_ELSEWHERE,
    RANK_PHRASE_IN_NAME,
    fields_in_force,
    procedure_search,
)
from onestop.testing import make_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(city):
    """Birth registration (the city's), a land procedure citing the birth-registration
    decree in its legal basis only, and a marriage registration."""
    land = Field.objects.create(code="dat-dai", name="Đất đai", name_en="Land")
    citing = make_procedure(code="1.000001", name="Cấp bản sao trích lục", field=land,
                            centre=city.centre, handling=city.justice, online_level="none")
    citing.legal_basis = "Nghị định hướng dẫn Đăng ký khai sinh"
    citing.save()
    marriage = make_procedure(code="1.000894", name="Đăng ký kết hôn",
                              field=city.version.field, centre=city.centre,
                              handling=city.justice, online_level="full")
    return {"birth": city.version, "citing": citing, "marriage": marriage}


def codes(qs) -> list[str]:
    return [v.procedure.code for v in qs]


@pytest.mark.parametrize("typed", [
    "dang ky khai sinh", "khai sinh", "Đăng ký khai sinh", "ĐĂNG KÝ KHAI SINH", "KHAI  sinh",
    "sinh khai",
])
def test_birth_registration_is_found_however_it_is_typed(catalog, typed):
    found = codes(procedure_search(query=typed))
    assert found[0] == "1.001193"
    assert "1.000894" not in found  # marriage has neither word "khai" nor "sinh"


def test_a_name_match_ranks_before_a_legal_basis_match(catalog):
    results = list(procedure_search(query="dang ky khai sinh"))
    assert codes(results) == ["1.001193", "1.000001"]
    assert results[0].rank == RANK_PHRASE_IN_NAME and results[1].rank == RANK_ELSEWHERE


def test_every_word_must_match(catalog):
    assert codes(procedure_search(query="dang ky")) == ["1.000894", "1.001193", "1.000001"]
    assert codes(procedure_search(query="dang ky xe may")) == []


def test_documents_field_and_code_are_searched(catalog):
    # "Giấy ủy quyền" is an optional document of every procedure made by make_procedure.
    assert set(codes(procedure_search(query="giay uy quyen"))) == {
        "1.001193", "1.000001", "1.000894"}
    assert codes(procedure_search(query="dat dai")) == ["1.000001"]
    assert codes(procedure_search(query="1.000894")) == ["1.000894"]


def test_filters_by_field_agency_and_online_level(catalog, city):
    assert codes(procedure_search(field_code="dat-dai")) == ["1.000001"]
    assert codes(procedure_search(online_level="full")) == ["1.000894"]
    other = Agency.objects.create(code="000.00.02.H99", name="Sở Xây dựng",
                                  kind=Agency.Kind.DEPARTMENT)
    catalog["marriage"].competent_agencies.add(other)
    assert codes(procedure_search(agency_id=other.pk)) == ["1.000894"]
    assert len(codes(procedure_search(agency_id=city.justice.pk))) == 3


def test_a_new_document_name_is_searchable_at_once(catalog):
    assert codes(procedure_search(query="xet nghiem adn")) == []
    doc = RequiredDocument.objects.create(version=catalog["birth"], order=9,
                                          name="Phiếu xét nghiệm ADN")
    assert codes(procedure_search(query="Xét nghiệm ADN")) == ["1.001193"]
    doc.delete()
    assert codes(procedure_search(query="xet nghiem adn")) == []


def test_renaming_a_field_refolds_its_procedures(catalog):
    land = Field.objects.get(code="dat-dai")
    land.name = "Đất đai, thổ cư"
    land.save()
    assert codes(procedure_search(query="tho cu")) == ["1.000001"]


def test_a_saved_name_is_refolded_even_with_update_fields(catalog):
    v = catalog["marriage"]
    v.name = "Đăng ký lại kết hôn"
    v.save(update_fields=["name"])
    assert ProcedureVersion.objects.get(pk=v.pk).search_name.startswith("dang ky lai ket hon")


def test_only_versions_in_force_are_listed(catalog):
    v = catalog["marriage"]
    v.valid_to = datetime.date(2025, 1, 1)
    v.save(update_fields=["valid_to"])
    assert "1.000894" not in codes(procedure_search(query="ket hon"))
    assert {f.code: f.procedure_count for f in fields_in_force()} == {"ho-tich": 1, "dat-dai": 1}


def test_the_data_migration_folds_existing_rows(catalog):
    ProcedureVersion.objects.update(search_name="", search_text="")
    from importlib import import_module

    from django.apps import apps

    migration = import_module("onestop.catalog.migrations.0002_search_folded")
    migration.fill_search(apps, None)
    assert codes(procedure_search(query="khai sinh"))[0] == "1.001193"


def test_migrations_are_consistent():
    call_command("makemigrations", "catalog", "--check", "--dry-run", verbosity=0)
