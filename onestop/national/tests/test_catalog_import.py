"""Importing the national catalog through the real client, against the stand-in: drafts,
never published; a new draft only when something changed; bad answers reported with a reason
and nothing of that procedure left behind."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from onestop.catalog.models import (
    ChannelFee,
    Procedure,
    ProcedureChannel,
    ProcedureVersion,
    RequiredDocument,
)
from onestop.core.models import AuditEvent
from onestop.national.client import AdapterClient
from onestop.national.importing import (
    BadRecord,
    catalog_import,
    parse_amount,
    procedure_import,
)
from onestop.national.models import (
    CatalogImport,
    CatalogSource,
    NationalAgency,
    NationalField,
    ProcedureMapping,
)
from onestop.national.standin import StandIn

from .conftest import config_for

pytestmark = pytest.mark.django_db
BIRTH, COPY, BUILD = "1.001193", "2.000815", "1.009794"


@pytest.fixture
def catalog(settings: Any, standin: StandIn, city: Any) -> AdapterClient:
    """Pointed at the stand-in with the test city's unit code (its agencies end in H99)."""
    config = config_for(standin, unit_code="000.00.00.H99", timeout=1)
    settings.ONESTOP_NATIONAL_URL = config.url
    return AdapterClient(config)


def record(standin: StandIn, code: str) -> dict[str, Any]:
    return standin.state.catalog_for("H99")[code]


def nothing_of(code: str) -> bool:
    return (not Procedure.objects.filter(code=code).exists()
            and not CatalogSource.objects.filter(procedure__code=code).exists()
            and not ProcedureMapping.objects.filter(national_code=code).exists())


def test_import_makes_drafts_with_channels_fees_documents_forms_and_mappings(
        catalog: AdapterClient, city: Any, standin: StandIn) -> None:
    run = catalog_import(actor=city.admin, client=catalog)
    assert run.error == "" and run.counts == {"fields": 3, "agencies": 5, "created": 3}
    assert {o["code"]: o["result"] for o in run.outcomes} == {
        BIRTH: "created", COPY: "created", BUILD: "created"}
    build = ProcedureVersion.objects.get(procedure__code=BUILD)
    assert build.state == ProcedureVersion.State.DRAFT and build.valid_from is None
    assert build.name == "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"
    assert build.processing_days == Decimal("15") and build.result_type == "Giấy phép xây dựng"
    assert "50/2014/QH13 Luật Xây dựng" in build.legal_basis
    assert build.applicant_step_list()[0].startswith("Chủ đầu tư nộp hồ sơ")
    assert build.eligible_applicants.startswith("Hộ gia đình")
    assert list(build.competent_agencies.all()) == [city.commune]  # 000.01.01.H99
    assert list(build.fees.values_list("amount", "charge")) == [(75000, "le_phi")]
    channels = {c.kind: c for c in build.channels.all()}
    assert set(channels) == {1, 2, 3} and build.online_level == "partial"
    assert [f.amount for f in channels[ProcedureChannel.Kind.ONLINE].fees.all()] == [37500]
    assert all(isinstance(f.amount, int) for f in ChannelFee.objects.all())
    form = build.documents.get(order=1)
    assert form.name == "Đơn đề nghị cấp giấy phép xây dựng"
    assert b"SAMPLE DATA of the stand-in" in form.template.read()
    assert build.documents.get(order=3).originals == 2
    mapping = ProcedureMapping.objects.get(procedure__code=BUILD)
    assert (mapping.national_code, mapping.field_code) == (BUILD, "G13-XD01")
    # Hours are kept on the channel and become days of 8 working hours on the version.
    certify = ProcedureVersion.objects.get(procedure__code=COPY)
    assert certify.processing_days == Decimal("0.50")
    assert certify.channels.get().processing_time == Decimal("4")
    assert certify.fees.get().charge == "phi" and certify.fees.get().amount == 2000
    assert AuditEvent.objects.filter(action="procedure.draft").count() == 3


def test_a_published_procedure_gets_a_new_draft_with_the_citys_own_steps(
        catalog: AdapterClient, city: Any) -> None:
    outcome = procedure_import(code=BIRTH, client=catalog, actor=city.admin)
    assert outcome["result"] == "created" and outcome["version"] == 2
    city.version.refresh_from_db()
    assert city.version.state == ProcedureVersion.State.PUBLISHED  # never auto-published
    draft = ProcedureVersion.objects.get(procedure__code=BIRTH, number=2)
    assert draft.state == ProcedureVersion.State.DRAFT
    assert [s.name for s in draft.steps.all()] == [s.name for s in city.version.steps.all()]
    assert draft.processing_days == Decimal("0.5") and draft.online_level == "full"
    assert draft.fee_note == "Miễn lệ phí đăng ký khai sinh đúng hạn" and not draft.fees.exists()


def test_a_refresh_makes_a_new_draft_only_when_something_changed(
        catalog: AdapterClient, standin: StandIn) -> None:
    assert procedure_import(code=BUILD, client=catalog)["result"] == "created"
    assert procedure_import(code=BUILD, client=catalog)["result"] == "unchanged"
    assert ProcedureVersion.objects.filter(procedure__code=BUILD).count() == 1
    record(standin, BUILD)["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["PHILEPHI"][0]["SOTIEN"] = \
        "100.000"
    outcome = procedure_import(code=BUILD, client=catalog)
    assert outcome["result"] == "changed" and outcome["version"] == 2
    newest = ProcedureVersion.objects.get(procedure__code=BUILD, number=2)
    assert newest.state == "draft" and newest.fees.get().amount == 100000
    assert CatalogSource.objects.get(procedure__code=BUILD).version == newest


def test_the_lists_are_imported_as_data_and_linked_by_code(catalog: AdapterClient,
                                                           city: Any) -> None:
    catalog_import(codes=[COPY], client=catalog)
    ward = NationalAgency.objects.get(code="000.01.01.H99")
    assert ward.name == "Ủy ban nhân dân phường Ninh Kiều" and ward.agency == city.commune
    assert NationalAgency.objects.get(code="000.00.12.H99").agency is None
    field = NationalField.objects.get(code="G13-TP02")
    assert field.name == "Chứng thực" and field.sector == "TP"
    assert field.field is not None and field.field.name == "Chứng thực"


@pytest.mark.parametrize("break_it, reason", [
    (lambda r: r.pop("TENTTHC"), "TENTTHC"),
    (lambda r: r.pop("CACHTHUCTHUCHIEN"), "CACHTHUCTHUCHIEN"),
    (lambda r: r["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0].update(DONVITINH="Tuần"),
     "DONVITINH"),
    (lambda r: r["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["PHILEPHI"][0].update(SOTIEN="7.5"),
     "SOTIEN"),
    (lambda r: r["CACHTHUCTHUCHIEN"][0].update(KENH=9), "KENH"),
    (lambda r: r["KETQUATHUCHIEN"].clear(), "KETQUATHUCHIEN"),
    (lambda r: r["THANHPHANHOSO"][0]["GIAYTO"][0].update(URL="http://example.invalid/m.doc"),
     "ONESTOP_NATIONAL_TEMPLATE_HOSTS"),
    (lambda r: r.update(MATTHC="9.999999"), "MATTHC"),
])
def test_a_bad_record_is_reported_and_nothing_of_it_is_imported(
        catalog: AdapterClient, standin: StandIn, break_it: Any, reason: str) -> None:
    break_it(record(standin, BUILD))
    outcome = procedure_import(code=BUILD, client=catalog)
    assert outcome["result"] == "failed" and reason in outcome["reason"]
    assert nothing_of(BUILD)


def test_an_error_code_is_reported_with_the_adapters_message(catalog: AdapterClient,
                                                             standin: StandIn) -> None:
    catalog.session()
    standin.fail("error", times=1)
    outcome = procedure_import(code=BUILD, client=catalog)
    assert outcome["result"] == "failed" and "error_code 500" in outcome["reason"]
    assert nothing_of(BUILD)
    assert procedure_import(code=BUILD, client=catalog)["result"] == "created"  # then fine


def test_a_timeout_is_reported_and_the_next_procedures_go_on(
        catalog: AdapterClient, standin: StandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    detail = catalog.procedure_detail
    asked: list[str] = []

    def first_one_times_out(code: str) -> list[Any]:
        if not asked:
            standin.fail("timeout", times=1, delay=1.5)
        asked.append(code)
        return detail(code)

    monkeypatch.setattr(catalog, "procedure_detail", first_one_times_out)
    run = catalog_import(codes=[BUILD, BIRTH], client=catalog)
    outcomes = {o["code"]: o for o in run.outcomes}
    assert outcomes[BUILD]["result"] == "failed"
    assert "Timeout" in outcomes[BUILD]["reason"] or "timed out" in outcomes[BUILD]["reason"]
    assert outcomes[BIRTH]["result"] == "created" and nothing_of(BUILD)


def test_the_adapter_down_for_the_lists_stops_the_run_with_its_reason(
        catalog: AdapterClient, standin: StandIn) -> None:
    standin.fail("down")
    run = catalog_import(client=catalog)
    assert "HTTP 503" in run.error and run.outcomes == [] and run.finished_at is not None
    assert CatalogImport.objects.get() == run


def test_a_failure_while_writing_leaves_no_version_and_no_form_file(
        catalog: AdapterClient, monkeypatch: pytest.MonkeyPatch, settings: Any,
        tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    def boom(*args: Any, **kwargs: Any) -> None:
        raise BadRecord("the database refused")

    monkeypatch.setattr(ChannelFee.objects, "create", boom)
    outcome = procedure_import(code=BUILD, client=catalog)
    assert outcome["result"] == "failed" and outcome["reason"] == "the database refused"
    assert nothing_of(BUILD)
    assert not RequiredDocument.objects.filter(name__startswith="Đơn đề nghị cấp").exists()
    assert not list(tmp_path.rglob("*.docx"))


@pytest.mark.parametrize("value, amount", [
    (75000, 75000), ("75.000", 75000), ("75,000 đồng", 75000), ("Không", 0), ("", 0),
    (37500.0, 37500), ("1.250.000", 1250000),
])
def test_amounts_are_whole_vnd(value: Any, amount: int) -> None:
    assert parse_amount(value) == amount and isinstance(parse_amount(value), int)


@pytest.mark.parametrize("value", ["7.5", 0.5, "abc", -1, "12.34.5"])
def test_amounts_that_are_not_whole_vnd_are_refused(value: Any) -> None:
    with pytest.raises(BadRecord):
        parse_amount(value)
