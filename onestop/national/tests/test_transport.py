"""The real adapter client against the stand-in: sessions, call shape, failures."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from onestop.national.client import (
    AdapterClient,
    AdapterError,
    NotConfigured,
    TransportError,
    national_date,
)
from onestop.national.standin import StandIn, check_dossier

from .conftest import config_for

UTC = datetime.UTC


def dossier_record(code: str = "H13.01-251201-0001", **overrides: Any) -> dict[str, Any]:
    at = datetime.datetime(2025, 12, 1, 2, 30, tzinfo=UTC)
    record: dict[str, Any] = {
        "MaHoSo": code, "MaTTHC": "1.001612", "TenTTHC": "Đăng ký hộ kinh doanh",
        "MaLinhVuc": "G13-KH01", "TenLinhVuc": "Thành lập hộ kinh doanh",
        "ChuHoSo": "Nguyễn Văn A", "LoaiDoiTuong": "1", "Email": "", "SoDienThoai": "",
        "TrichYeuHoSo": "", "NgayTiepNhan": national_date(at),
        "NgayHenTra": national_date(at + datetime.timedelta(days=3)), "NgayTra": "",
        "NgayKetThucXuLy": "", "TrangThaiHoSo": "2", "HinhThuc": "0",
        "DonViXuLy": "UBND phường Ninh Kiều", "TaiLieuNop": [], "DanhSachGiayToKetQua": [],
        "DanhSachLePhi": [], "DanhSachHoSoBoSung": [],
    }
    record.update(overrides)
    return record


def test_dates_are_vietnam_time_yyyymmddhhmmss() -> None:
    at = datetime.datetime(2025, 12, 31, 20, 5, 9, tzinfo=UTC)
    assert national_date(at) == "20260101030509"
    assert national_date(None) == ""
    with pytest.raises(ValueError):
        national_date(datetime.datetime(2025, 1, 1))  # noqa: DTZ001 - the refused case


def test_the_session_is_obtained_once_and_reused(adapter: AdapterClient,
                                                 standin: StandIn) -> None:
    for n in range(3):
        adapter.dossier_exists(f"X-{n}")
    assert adapter.sessions_obtained == 1
    auths = [r for r in standin.state.received if r.path == standin.auth_path]
    assert len(auths) == 1


def test_an_expired_session_is_asked_for_again(adapter: AdapterClient) -> None:
    adapter.dossier_exists("X")
    adapter._session_at -= adapter.config.token_ttl + 1  # the session is now past its TTL
    adapter.dossier_exists("X")
    assert adapter.sessions_obtained == 2


def test_a_session_the_adapter_forgot_is_renewed_once(adapter: AdapterClient,
                                                      standin: StandIn) -> None:
    adapter.dossier_exists("X")
    standin.fail("expire", times=1)
    assert adapter.dossier_exists("X") is False
    assert adapter.sessions_obtained == 2


def test_every_call_carries_session_unit_service_and_dstcode(adapter: AdapterClient,
                                                             standin: StandIn) -> None:
    adapter.dossier_sync(dossier_record(), is_updating=False)
    (call,) = standin.calls("DongBoHoSoMC")
    assert call.body["session"] and call.body["madonvi"] == "000.00.00.H13"
    assert call.body["isUpdating"] == "false"
    assert call.headers["dstcode"] == "VN:GOV:G22:DVCQG"
    assert call.headers["Content-Type"].startswith("application/json")
    assert adapter.dossier_exists("H13.01-251201-0001") is True


def test_a_second_sync_of_a_held_dossier_must_say_it_updates(adapter: AdapterClient) -> None:
    adapter.dossier_sync(dossier_record(), is_updating=False)
    with pytest.raises(AdapterError):
        adapter.dossier_sync(dossier_record(), is_updating=False)
    answer = adapter.dossier_sync(dossier_record(TrangThaiHoSo="4"), is_updating=True)
    assert answer.raw["error_code"] == 0 and answer.result == [{"MaHoSo":
                                                                 "H13.01-251201-0001"}]


def test_wrong_credentials_are_an_adapter_error(standin: StandIn) -> None:
    adapter = AdapterClient(config_for(standin, password="wrong"))
    with pytest.raises(AdapterError, match="auth refused"):
        adapter.dossier_exists("X")


def test_no_url_is_not_configured() -> None:
    with pytest.raises(NotConfigured):
        AdapterClient()  # the default settings: off, no URL


def test_an_adapter_that_is_down_is_a_transport_error(adapter: AdapterClient,
                                                      standin: StandIn) -> None:
    standin.fail("down")
    with pytest.raises(TransportError, match="HTTP 503"):
        adapter.dossier_exists("X")


def test_an_adapter_that_is_gone_is_a_transport_error(adapter: AdapterClient,
                                                      standin: StandIn) -> None:
    standin.stop()
    with pytest.raises(TransportError, match="ConnectionError"):
        adapter.dossier_exists("X")


def test_a_timeout_is_a_transport_error(standin: StandIn) -> None:
    adapter = AdapterClient(config_for(standin, timeout=1))
    adapter.session()
    standin.fail("timeout", times=1, delay=2.5)
    started = time.monotonic()
    with pytest.raises(TransportError, match="Timeout"):
        adapter.dossier_exists("X")
    assert time.monotonic() - started < 2.4


def test_an_error_answer_is_an_adapter_error_with_the_answer(adapter: AdapterClient,
                                                             standin: StandIn) -> None:
    standin.fail("error", times=1)
    with pytest.raises(AdapterError) as caught:
        adapter.dossier_sync(dossier_record(), is_updating=False)
    assert caught.value.answer["error_code"] == 500 and caught.value.answer["standin"] is True


def test_the_standin_refuses_missing_fields_and_bad_dates(adapter: AdapterClient) -> None:
    record = dossier_record(NgayTiepNhan="2025-12-01 09:30", LoaiDoiTuong="3")
    del record["DonViXuLy"]
    with pytest.raises(AdapterError) as caught:
        adapter.dossier_sync(record, is_updating=False)
    errors = caught.value.answer["errors"]["0"]
    assert "DonViXuLy: missing" in errors
    assert "NgayTiepNhan: not yyyyMMddHHmmss" in errors
    assert "LoaiDoiTuong: 1 (citizen) or 2 (business)" in errors
    assert check_dossier(dossier_record()) == []


def test_the_standin_refuses_a_step_of_a_dossier_it_does_not_hold(
        adapter: AdapterClient) -> None:
    at = national_date(datetime.datetime(2025, 12, 1, 3, 0, tzinfo=UTC))
    step = {"MaHoSo": "H13.01-251201-0009", "NguoiXuLy": "Trần Thị B", "ChucDanh": "",
            "ThoiDiemXuLy": at, "PhongBanXuLy": "", "NoiDungXuLy": "Tiếp nhận",
            "TrangThai": "2", "NgayBatDau": at, "NgayKetThucTheoQuyDinh": ""}
    with pytest.raises(AdapterError, match="not held"):
        adapter.progress_sync(step)
    adapter.dossier_sync(dossier_record("H13.01-251201-0009"), is_updating=False)
    assert adapter.progress_sync(step).raw["error_code"] == 0


@pytest.mark.slow
def test_the_standin_command_serves_and_says_it_is_a_standin(tmp_path: Path) -> None:
    from onestop.exchange.testing import free_port

    port = free_port()
    onestop = str(Path(sys.executable).with_name("onestop"))
    proc = subprocess.Popen([onestop, "national", "standin", "--port", str(port)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert "STAND-IN" in proc.stdout.readline()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.headers["X-Onestop-Standin"] == "1"
            assert "not the national portal" in json.loads(response.read())["label"]
        adapter = AdapterClient(config_for(StandIn(port=port)))
        assert adapter.dossier_exists("X") is False
    finally:
        proc.terminate()
        proc.wait(timeout=10)
