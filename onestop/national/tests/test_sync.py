"""Dossier changes reach the portal (the stand-in) through the outbox, in order, and what
fails is kept, shown and resendable. The real client and the real dossier services."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from onestop.core.errors import InvalidTransition
from onestop.dossiers import services as svc
from onestop.dossiers.models import Dossier, Status
from onestop.national.client import AdapterClient
from onestop.national.models import ProcedureMapping, StatusMapping, SyncAnswer, SyncItem
from onestop.national.selectors import failed_syncs
from onestop.national.services import backoff, sync_resend, sync_run
from onestop.national.standin import StandIn, check_dossier, check_progress
from onestop.testing import vn

from .conftest import config_for

pytestmark = pytest.mark.django_db
LATER = timezone.now() + datetime.timedelta(days=1)  # past every back-off of these tests


def _client(standin: StandIn) -> AdapterClient:
    return AdapterClient(config_for(standin))


def _received(city: Any, day: int = 2, **applicant: Any) -> Dossier:
    return svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(**applicant),
                                         at=vn(2026, 3, day, 8))


def _three_changes(city: Any, day: int = 2, **applicant: Any) -> Dossier:
    """Received (2), handed to the specialist (4), supplement requested (5)."""
    d = _received(city, day, **applicant)
    svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, day, 9))
    svc.dossier_request_supplement(dossier_id=d.pk, actor=city.specialist,
                                   reason="Thiếu bản sao giấy tờ tùy thân",
                                   items="Giấy tờ tùy thân", at=vn(2026, 3, day, 10))
    return Dossier.objects.get(pk=d.pk)


def _steps(standin: StandIn, code: str) -> list[str]:
    return [r["TrangThai"] for r in standin.state.progress if r["MaHoSo"] == code]


def test_sync_off_by_default_writes_nothing(city: Any) -> None:
    _received(city)
    assert SyncItem.objects.count() == 0
    assert sync_run() == {}


def test_a_change_writes_its_outbox_row_in_its_own_transaction(national: Any) -> None:
    d = _received(national)
    assert list(SyncItem.objects.values_list("action", "snapshot__status")) == [
        ("intake", Status.RECEIVED)]
    with pytest.raises(RuntimeError), transaction.atomic():
        svc.dossier_hand_over(dossier_id=d.pk, actor=national.officer, at=vn(2026, 3, 2, 9))
        raise RuntimeError("the change is rolled back")
    assert SyncItem.objects.count() == 1


def test_every_change_reaches_the_standin_in_order(national: Any, standin: StandIn,
                                                    settings: Any) -> None:
    settings.ONESTOP_SIGNATURE_REQUIRED = False
    d = _three_changes(national)
    svc.dossier_supplement_received(dossier_id=d.pk, actor=national.officer,
                                    at=vn(2026, 3, 3, 8))
    svc.dossier_hand_over(dossier_id=d.pk, actor=national.specialist, at=vn(2026, 3, 3, 9))
    svc.dossier_approve(dossier_id=d.pk, actor=national.leader, at=vn(2026, 3, 3, 10))
    svc.dossier_return_result(dossier_id=d.pk, officer=national.officer, at=vn(2026, 3, 3, 14))
    rows = SyncItem.objects.count()
    assert rows == 7  # one row per recorded change

    counts = sync_run(client=_client(standin))

    assert counts == {"sent": rows}
    d.refresh_from_db()
    assert _steps(standin, d.code) == ["2", "4", "5", "4", "4", "9", "10"]
    syncs = standin.calls("DongBoHoSoMC")
    assert [c.body["isUpdating"] for c in syncs] == ["false"] + ["true"] * (rows - 1)
    held = standin.state.dossiers[d.code]
    assert held["TrangThaiHoSo"] == "10" and held["MaTTHC"] == "1.001193"
    assert held["NgayTiepNhan"] == "20260302080000"  # Vietnam time, yyyyMMddHHmmss
    assert held["DanhSachHoSoBoSung"][0]["NoiDungBoSung"] == "Thiếu bản sao giấy tờ tùy thân"
    results = list(d.documents.filter(kind="result").values_list("name", flat=True))
    assert [r["TenGiayTo"] for r in held["DanhSachGiayToKetQua"]] == results
    assert check_dossier(held) == [] and all(check_progress(p) == []
                                             for p in standin.state.progress)
    # Every call's answer is kept: TraCuuHoSo, DongBoHoSoMC and CapNhatTienDoHoSoMC per row.
    assert SyncAnswer.objects.filter(ok=True).count() == 3 * rows
    assert not SyncItem.objects.exclude(state="sent").exists()


def test_a_business_is_sent_as_applicant_type_2(national: Any, standin: StandIn) -> None:
    d = _received(national, kind="organisation", tax_code="1800123456",
                  representative="Nguyễn Văn An", name="Công ty TNHH Mê Kông")
    sync_run(client=_client(standin))
    assert standin.state.dossiers[Dossier.objects.get(pk=d.pk).code]["LoaiDoiTuong"] == "2"


def test_an_unmapped_procedure_is_reported_and_holds_its_dossier_back(
        national: Any, standin: StandIn) -> None:
    ProcedureMapping.objects.all().delete()
    d = _three_changes(national)

    counts = sync_run(client=_client(standin))

    assert counts == {"unmapped": 1}  # the first row; the later two wait behind it
    (failed,) = failed_syncs()
    assert "1.001193" in failed.last_error and failed.state == "unmapped"
    assert list(SyncItem.objects.order_by("id").values_list("state", flat=True)) == [
        "unmapped", "pending", "pending"]
    assert standin.calls() == []

    ProcedureMapping.objects.create(procedure=national.version.procedure,
                                    national_code="1.001193", field_code="G13-TP01")
    sync_resend(item_id=failed.pk, actor=national.admin)
    assert sync_run(client=_client(standin)) == {"sent": 3}
    assert _steps(standin, Dossier.objects.get(pk=d.pk).code) == ["2", "4", "5"]


def test_an_unmapped_status_is_reported_a_blank_one_is_not_sent(english: None, national: Any,
                                                                 standin: StandIn) -> None:
    StatusMapping.objects.filter(status=Status.IN_PROCESS).delete()
    StatusMapping.objects.filter(status=Status.SUPPLEMENT).update(national_code="")
    d = _three_changes(national)
    assert sync_run(client=_client(standin)) == {"sent": 1, "unmapped": 1}
    assert "Status 4" in SyncItem.objects.get(state="unmapped").last_error
    StatusMapping.objects.create(status=Status.IN_PROCESS, national_code="4")
    sync_resend(item_id=SyncItem.objects.get(state="unmapped").pk, actor=national.admin)
    assert sync_run(client=_client(standin)) == {"sent": 1, "skipped": 1}
    assert _steps(standin, Dossier.objects.get(pk=d.pk).code) == ["2", "4"]


def test_a_refusal_is_failed_with_its_answer_kept_never_sent(national: Any,
                                                             standin: StandIn) -> None:
    _received(national)
    standin.fail("error")
    assert sync_run(client=_client(standin)) == {"failed": 1}
    item = SyncItem.objects.get()
    assert item.state == "failed" and item.sent_at is None
    assert "error_code 500" in item.last_error
    refused = SyncAnswer.objects.get(item=item, ok=False)
    assert refused.answer["error_code"] == 500 and refused.answer["standin"] is True
    with pytest.raises(InvalidTransition):
        sync_resend(item_id=SyncItem.objects.create(dossier=item.dossier, action="x",
                                                    state="sent").pk, actor=national.admin)
    standin.fail("ok")
    sync_resend(item_id=item.pk, actor=national.admin)
    assert sync_run(client=_client(standin)) == {"sent": 1}


def test_a_timeout_is_retried_later_not_reported_sent(national: Any, standin: StandIn) -> None:
    _received(national)
    client = AdapterClient(config_for(standin, timeout=1))
    client.session()
    standin.fail("timeout", times=1, delay=2)
    assert sync_run(client=client) == {"pending": 1}
    item = SyncItem.objects.get()
    assert item.state == "pending" and item.attempts == 1 and "Timeout" in item.last_error
    assert item.next_attempt_at > timezone.now()
    assert sync_run(client=client, now=LATER) == {"sent": 1}


def test_backoff_doubles_up_to_the_maximum(settings: Any) -> None:
    settings.ONESTOP_NATIONAL_RETRY_BASE, settings.ONESTOP_NATIONAL_RETRY_MAX = 10, 60
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]


def test_after_the_last_attempt_an_unreachable_adapter_is_failed(national: Any,
                                                                  standin: StandIn,
                                                                  settings: Any) -> None:
    settings.ONESTOP_NATIONAL_MAX_ATTEMPTS = 2
    _received(national)
    standin.fail("down")
    assert sync_run(client=_client(standin)) == {"pending": 1}
    assert sync_run(client=_client(standin), now=LATER) == {"failed": 1}
    assert list(failed_syncs()) == list(SyncItem.objects.all())


def test_standin_down_then_back_drains_the_backlog_in_order_nothing_lost_or_duplicated(
        national: Any, standin: StandIn) -> None:
    dossiers = [_three_changes(national, day=2 + n % 3, name=f"Người nộp {n}")
                for n in range(4)]
    port = standin.port
    standin.stop()
    client = _client(standin)

    assert sync_run(client=client) == {"pending": 4}  # one per dossier tried, none sent
    assert sync_run(client=client) == {}  # nothing due before its back-off
    assert SyncItem.objects.filter(state="pending").count() == 12
    assert SyncAnswer.objects.filter(ok=False).count() == 4  # every failure kept

    standin.port = port
    standin.start()  # the same adapter, back on the same address
    assert sync_run(client=client, now=LATER) == {"sent": 12}
    for d in dossiers:
        assert _steps(standin, d.code) == ["2", "4", "5"]
    assert len(standin.state.progress) == 12  # nothing lost, nothing twice
    assert sync_run(client=client, now=LATER) == {}


def test_the_sync_and_stats_commands_send_and_count(national: Any, standin: StandIn) -> None:
    import io
    import json

    from django.core.management import call_command

    _received(national)
    out = io.StringIO()
    call_command("national", "sync", stdout=out)
    assert json.loads(out.getvalue()) == {"sent": 1}
    out = io.StringIO()
    call_command("national", "stats", stdout=out)
    assert json.loads(out.getvalue()) == {"sent": 1}
