"""A STAND-IN for the national public service portal's adapter — not the national portal.

The national systems cannot be reached from here, so tests, CI and the demo talk to this
local server instead. It implements the shapes of the operations onestop uses (the auth
endpoint, TraCuuHoSo, DongBoHoSoMC, CapNhatTienDoHoSoMC, and the catalog's LayDanhSachTTHC,
LayThuTuc, LayDanhMucCoQuan, LayDanhMucLinhVuc answering the SAMPLE DATA of
standin_catalog.py; docs/national.md says where each field list comes from), checks what it
receives against them (required fields, yyyyMMddHHmmss dates in Vietnam time, LoaiDoiTuong 1
or 2, a progress step only for a dossier it holds), can be told to fail, time out or answer
errors, and records every request it got.

    onestop national standin --port 8791        # the command; or, in a test:
    with StandIn() as standin: ...               # a thread on a random loopback port

Every answer carries `"standin": true` and the header `X-Onestop-Standin: 1`, so nothing it
says can be mistaken for the portal's.

Control (for a stand-in in another process): POST /_standin/control with
{"mode": "ok"|"down"|"timeout"|"error"|"expire", "times": N (0: until changed), "delay": s};
GET /_standin/received answers what it recorded; GET /_standin/mau/<name> serves a sample
blank form named in LayThuTuc's THANHPHANHOSO.
"""

from __future__ import annotations

import datetime
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import standin_catalog

USERNAME, PASSWORD = "standin", "standin-not-a-secret"  # the stand-in's own demo account
LABEL = "STAND-IN for the national public service portal (not the national portal)"

DOSSIER_FIELDS = (
    "MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "ChuHoSo", "LoaiDoiTuong",
    "Email", "SoDienThoai", "TrichYeuHoSo", "NgayTiepNhan", "NgayHenTra", "NgayTra",
    "NgayKetThucXuLy", "TrangThaiHoSo", "HinhThuc", "DonViXuLy",
)
# Required: what OpenCPS's DVCQG integration does not mark "ko bb" (không bắt buộc).
DOSSIER_REQUIRED = ("MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "LoaiDoiTuong",
                    "NgayTiepNhan", "NgayHenTra", "TrangThaiHoSo", "HinhThuc", "DonViXuLy")
DOSSIER_DATES = ("NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy")
DOSSIER_LISTS = ("TaiLieuNop", "DanhSachGiayToKetQua", "DanhSachLePhi",
                 "DanhSachHoSoBoSung")
PROGRESS_FIELDS = ("MaHoSo", "NguoiXuLy", "ChucDanh", "ThoiDiemXuLy", "PhongBanXuLy",
                   "NoiDungXuLy", "TrangThai", "NgayBatDau", "NgayKetThucTheoQuyDinh")
PROGRESS_REQUIRED = ("MaHoSo", "NguoiXuLy", "ThoiDiemXuLy", "NoiDungXuLy", "TrangThai")
PROGRESS_DATES = ("ThoiDiemXuLy", "NgayBatDau", "NgayKetThucTheoQuyDinh")
VIETNAM_OFFSET = datetime.timezone(datetime.timedelta(hours=7))
# The other national systems' stand-ins, mounted under their own paths in this server (the
# sign-in: standin_signin, /oidc/; the payment platform: standin_payment): each a function
# (handler, "GET" | "POST") -> True when it answered the request.
MOUNTS: list[Callable[[Any, str], bool]] = []
CATALOG_SERVICES = frozenset({"LayDanhSachTTHC", "LayThuTuc", "LayDanhMucCoQuan",
                              "LayDanhMucLinhVuc"})


def valid_date(value: Any) -> bool:
    """yyyyMMddHHmmss, a real instant (the stand-in reads it as Vietnam time, UTC+7)."""
    if not isinstance(value, str) or len(value) != 14 or not value.isdigit():
        return False
    try:
        datetime.datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=VIETNAM_OFFSET)
    except ValueError:
        return False
    return True


def check_dossier(record: Any) -> list[str]:
    if not isinstance(record, dict):
        return ["a dossier must be an object"]
    errors = [f"{name}: missing" for name in DOSSIER_FIELDS if name not in record]
    errors += [f"{name}: empty" for name in DOSSIER_REQUIRED
               if name in record and record[name] in ("", None)]
    errors += [f"{name}: not yyyyMMddHHmmss" for name in DOSSIER_DATES
               if record.get(name) not in ("", None) and not valid_date(record.get(name))]
    if str(record.get("LoaiDoiTuong", "")) not in {"1", "2"}:
        errors.append("LoaiDoiTuong: 1 (citizen) or 2 (business)")
    if str(record.get("HinhThuc", "")) not in {"0", "1"}:
        errors.append("HinhThuc: 0 or 1 (result by post)")
    errors += [f"{name}: not a list" for name in DOSSIER_LISTS
               if not isinstance(record.get(name), list)]
    return errors


def check_progress(record: Any) -> list[str]:
    if not isinstance(record, dict):
        return ["a step must be an object"]
    errors = [f"{name}: missing" for name in PROGRESS_FIELDS if name not in record]
    errors += [f"{name}: empty" for name in PROGRESS_REQUIRED
               if name in record and record[name] in ("", None)]
    errors += [f"{name}: not yyyyMMddHHmmss" for name in PROGRESS_DATES
               if record.get(name) not in ("", None) and not valid_date(record.get(name))]
    return errors


@dataclass
class Received:
    """One request as the stand-in saw it, with what it answered."""

    path: str
    headers: dict[str, str]
    body: Any
    status: int = 0
    answer: Any = None
    at: float = field(default_factory=time.time)

    @property
    def service(self) -> str:
        return str(self.body.get("service", "")) if isinstance(self.body, dict) else ""


class State:
    def __init__(self, *, session_ttl: float = 3600.0) -> None:
        self.lock = threading.Lock()
        self.session_ttl = session_ttl
        self.sessions: dict[str, float] = {}
        self.dossiers: dict[str, dict[str, Any]] = {}
        self.progress: list[dict[str, Any]] = []
        self.received: list[Received] = []
        self.mode, self.times, self.delay = "ok", 0, 2.0
        # The sample catalog (standin_catalog), loaded on first use; tests change it.
        self.catalog: dict[str, dict[str, Any]] | None = None
        self.catalog_fields = [dict(f) for f in standin_catalog.FIELDS]

    def catalog_for(self, suffix: str) -> dict[str, dict[str, Any]]:
        with self.lock:
            if self.catalog is None:
                self.catalog = standin_catalog.procedures(suffix)
            return self.catalog

    def take_mode(self, *, auth: bool) -> str:
        """The failure to act out on this request (counting down `times`); "error" and
        "expire" are acted out on operations only, never on the auth endpoint."""
        with self.lock:
            mode = self.mode
            if auth and mode in {"error", "expire"}:
                return "ok"
            if mode != "ok" and self.times:
                self.times -= 1
                if self.times == 0:
                    self.mode = "ok"
            return mode


class Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY every answer on a kept-alive
    # connection waits ~40 ms for the client's delayed ACK (7 rows/s instead of hundreds).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet in tests
        pass

    def _send(self, status: int, payload: Any, *, content_type: str = "application/json",
              ) -> None:
        if isinstance(payload, dict):
            payload = {**payload, "standin": True}
        body = (json.dumps(payload, ensure_ascii=False) if content_type == "application/json"
                else str(payload)).encode()
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Onestop-Standin", "1")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        if any(mount(self, "GET") for mount in MOUNTS):
            return
        state = self.server.state
        if self.path == "/_standin/received":
            with state.lock:
                rows = [{"path": r.path, "service": r.service, "body": r.body,
                         "status": r.status, "answer": r.answer} for r in state.received]
            self._send(200, {"label": LABEL, "received": rows})
        elif self.path.startswith("/_standin/mau/"):
            body = standin_catalog.template_bytes(self.path.rsplit("/", 1)[-1])
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Onestop-Standin", "1")
            self.end_headers()
            self.wfile.write(body)
        else:
            self._send(200, {"label": LABEL})

    def do_POST(self) -> None:  # noqa: N802
        if any(mount(self, "POST") for mount in MOUNTS):
            return
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            body = raw.decode(errors="replace")
        if self.path == "/_standin/control":
            with state.lock:
                state.mode = str(body.get("mode", "ok"))
                state.times = int(body.get("times", 0))
                state.delay = float(body.get("delay", state.delay))
            self._send(200, {"mode": state.mode})
            return
        entry = Received(path=self.path, headers=dict(self.headers.items()), body=body)
        with state.lock:
            state.received.append(entry)
        mode = state.take_mode(auth=self.path == self.server.auth_path)
        if mode == "down":
            entry.status, entry.answer = 503, "down"
            self._send(503, "<html>Service Unavailable (stand-in told to be down)</html>",
                       content_type="text/html")
            return
        if mode == "timeout":
            time.sleep(state.delay)
            entry.status, entry.answer = 0, "timeout"
            try:
                self._send(504, "<html>late (stand-in told to time out)</html>",
                           content_type="text/html")
            except OSError:
                pass
            return
        if mode == "expire":
            with state.lock:
                state.sessions.clear()
        status, answer = self._answer(body, mode)
        entry.status, entry.answer = status, answer
        self._send(status, answer)

    def _answer(self, body: Any, mode: str) -> tuple[int, dict[str, Any]]:
        state = self.server.state
        if not isinstance(body, dict):
            return 400, {"error_code": 400, "message": "the body must be a JSON object"}
        if self.path == self.server.auth_path:
            if body.get("username") == USERNAME and body.get("password") == PASSWORD:
                session = secrets.token_hex(16)
                with state.lock:
                    state.sessions[session] = time.monotonic() + state.session_ttl
                return 200, {"session": session, "error_code": 0}
            return 200, {"error_code": 401, "message": "wrong username or password"}
        if self.path != self.server.call_path:
            return 404, {"error_code": 404, "message": f"no endpoint {self.path}"}
        if not self.headers.get("dstcode"):
            return 200, {"error_code": 400, "message": "dstcode header missing"}
        with state.lock:
            expires = state.sessions.get(str(body.get("session")))
        if expires is None or expires < time.monotonic():
            return 200, {"error_code": 401, "message": "session unknown or expired"}
        if not body.get("madonvi"):
            return 200, {"error_code": 400, "message": "madonvi missing"}
        if mode == "error":
            return 200, {"error_code": 500, "message": "stand-in told to answer an error"}
        service = body.get("service")
        if service in CATALOG_SERVICES:
            return self._catalog(str(service), body)
        if service == "TraCuuHoSo":
            with state.lock:
                found = state.dossiers.get(str(body.get("MaHoSo")))
            return 200, {"error_code": 0, "result": [found] if found else []}
        records = body.get("data")
        if not isinstance(records, list) or not records:
            return 200, {"error_code": 400, "message": "data must be a non-empty list"}
        if service == "DongBoHoSoMC":
            return self._dossiers(records, str(body.get("isUpdating", "")).lower())
        if service == "CapNhatTienDoHoSoMC":
            return self._progress(records)
        return 200, {"error_code": 404, "message": f"unknown service {service!r}"}

    def _dossiers(self, records: list[Any], updating: str) -> tuple[int, dict[str, Any]]:
        state = self.server.state
        if updating not in {"true", "false"}:
            return 200, {"error_code": 400, "message": "isUpdating must be true or false"}
        errors = {str(i): e for i, r in enumerate(records) if (e := check_dossier(r))}
        if errors:
            return 200, {"error_code": 422, "message": "invalid dossier", "errors": errors}
        with state.lock:
            for record in records:
                held = record["MaHoSo"] in state.dossiers
                if held != (updating == "true"):
                    return 200, {"error_code": 409, "message":
                                 f"{record['MaHoSo']}: isUpdating={updating} but the dossier "
                                 f"is {'' if held else 'not '}held"}
            for record in records:
                state.dossiers[record["MaHoSo"]] = record
        return 200, {"error_code": 0, "result": [{"MaHoSo": r["MaHoSo"]} for r in records]}

    def _progress(self, records: list[Any]) -> tuple[int, dict[str, Any]]:
        state = self.server.state
        errors = {str(i): e for i, r in enumerate(records) if (e := check_progress(r))}
        if errors:
            return 200, {"error_code": 422, "message": "invalid step", "errors": errors}
        with state.lock:
            unknown = [r["MaHoSo"] for r in records if r["MaHoSo"] not in state.dossiers]
            if unknown:
                return 200, {"error_code": 404, "message": f"dossier not held: {unknown}"}
            state.progress.extend(records)
        return 200, {"error_code": 0, "result": [{"MaHoSo": r["MaHoSo"]} for r in records]}


    def _catalog(self, service: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The catalog operations, answering the sample data (standin_catalog)."""
        state = self.server.state
        suffix = str(body["madonvi"]).rsplit(".", 1)[-1]
        if service == "LayDanhMucCoQuan":
            return 200, {"error_code": 0, "result": standin_catalog.agencies(suffix)}
        if service == "LayDanhMucLinhVuc":
            with state.lock:
                return 200, {"error_code": 0, "result": [dict(f) for f in state.catalog_fields]}
        catalog = state.catalog_for(suffix)
        with state.lock:
            if service == "LayDanhSachTTHC":
                return 200, {"error_code": 0, "result": [
                    {"MATTHC": code, "TENTTHC": r.get("TENTTHC", "")}
                    for code, r in sorted(catalog.items())]}
            code = body.get("maTTHC")
            if not code:
                return 200, {"error_code": 400, "message": "maTTHC missing"}
            record = catalog.get(str(code))
            if record is None:
                return 200, {"error_code": 0, "result": []}
            record = json.loads(json.dumps(record))
        base = f"http://{self.headers.get('Host', '')}"
        for case in record.get("THANHPHANHOSO") or []:
            for doc in case.get("GIAYTO") or []:
                if str(doc.get("URL", "")).startswith("/"):
                    doc["URL"] = base + doc["URL"]
        return 200, {"error_code": 0, "result": [record]}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], *, state: State, auth_path: str,
                 call_path: str) -> None:
        super().__init__(address, Handler)
        self.state, self.auth_path, self.call_path = state, auth_path, call_path


class StandIn:
    """The stand-in in a thread of this process (tests). `stop()` then `start()` again on
    the same port acts out an adapter that is down, then back, with its records kept."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, auth_path: str = "/auth",
                 call_path: str = "/api", session_ttl: float = 3600.0) -> None:
        self.host, self.port = host, port
        self.auth_path, self.call_path = auth_path, call_path
        self.state = State(session_ttl=session_ttl)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def bind(self) -> _Server:
        self._server = _Server((self.host, self.port), state=self.state,
                               auth_path=self.auth_path, call_path=self.call_path)
        self.port = self._server.server_address[1]
        return self._server

    def start(self) -> StandIn:
        self._server = self.bind()
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def fail(self, mode: str, *, times: int = 0, delay: float | None = None) -> None:
        """Act out `mode` on the next `times` requests (0: until told "ok")."""
        with self.state.lock:
            self.state.mode, self.state.times = mode, times
            if delay is not None:
                self.state.delay = delay

    def calls(self, service: str | None = None) -> list[Received]:
        with self.state.lock:
            return [r for r in self.state.received
                    if r.path != self.auth_path and (service is None or r.service == service)]


# The mounted stand-ins add themselves to MOUNTS on import.
from . import standin_payment, standin_signin  # noqa: E402, F401
