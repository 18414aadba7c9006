"""The client of the national public service portal's adapter (docs/national.md).

Every call is a JSON POST to the adapter's call endpoint carrying the session, the unit code
(`madonvi`), the operation (`service`) and the target service header (`dstcode`); the adapter
answers `{"error_code": 0, "result": [...]}`. The session comes from the auth endpoint
(username and password, answered `{"session": ..., "error_code": 0}`) and is reused until it
is older than ONESTOP_NATIONAL_TOKEN_TTL, or the adapter says it is no longer valid.

`requests` is already a dependency (Authlib's Django integration and the document exchange
use it), so the adapter needs no other HTTP client.

Two kinds of failure, kept apart because the outbox treats them differently:
- `TransportError`: the adapter could not be reached or answered something that is not the
  adapter's JSON (refused connection, timeout, HTTP 5xx, HTML): retry later;
- `AdapterError`: the adapter answered with an error code (a refused record): kept with its
  answer; the same payload would be refused again, so an officer looks at it.
"""

from __future__ import annotations

import datetime
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import requests
from django.conf import settings

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"  # the adapter's yyyyMMddHHmmss, in Vietnam time

# Error codes the adapter uses for an unknown or expired session: ask for a new one, once.
SESSION_ERRORS = frozenset({-1, 401, 403})


def national_date(value: datetime.datetime | None) -> str:
    """yyyyMMddHHmmss in Vietnam time ("" for no date: the adapter's empty value)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        raise ValueError("aware datetimes only")
    return value.astimezone(VIETNAM).strftime(DATE_FORMAT)


class NationalError(Exception):
    """A call to the adapter that did not succeed; `answer` is what came back, if anything."""

    def __init__(self, message: str, *, answer: Any = None) -> None:
        super().__init__(message)
        self.answer = answer


class TransportError(NationalError):
    """Not reached, timed out, or not the adapter's JSON: worth retrying."""


class AdapterError(NationalError):
    """The adapter answered an error code."""

    def __init__(self, message: str, *, answer: Any = None, code: Any = None) -> None:
        super().__init__(message, answer=answer)
        self.code = code


class NotConfigured(NationalError):
    """ONESTOP_NATIONAL_URL (or the account) is not set."""


@dataclass(frozen=True)
class Config:
    url: str
    auth_path: str
    call_path: str
    username: str
    password: str = field(repr=False)
    unit_code: str
    dstcode: str
    token_ttl: int
    timeout: int

    @classmethod
    def from_settings(cls) -> Config:
        return cls(
            url=settings.ONESTOP_NATIONAL_URL, auth_path=settings.ONESTOP_NATIONAL_AUTH_PATH,
            call_path=settings.ONESTOP_NATIONAL_CALL_PATH,
            username=settings.ONESTOP_NATIONAL_USERNAME,
            password=settings.ONESTOP_NATIONAL_PASSWORD,
            unit_code=settings.ONESTOP_NATIONAL_UNIT_CODE,
            dstcode=settings.ONESTOP_NATIONAL_DSTCODE,
            token_ttl=settings.ONESTOP_NATIONAL_TOKEN_TTL,
            timeout=settings.ONESTOP_NATIONAL_TIMEOUT)


@dataclass
class Answer:
    """A successful call: the operation's `result` list and the whole answer, kept."""

    result: list[Any]
    raw: dict[str, Any]


class AdapterClient:
    """One client per worker process; thread-safe (the session is guarded by a lock)."""

    def __init__(self, config: Config | None = None, *,
                 http: requests.Session | None = None) -> None:
        self.config = config or Config.from_settings()
        if not self.config.url:
            raise NotConfigured("ONESTOP_NATIONAL_URL is not set")
        self.http = http or requests.Session()
        self._lock = threading.Lock()
        self._session: str | None = None
        self._session_at = 0.0
        self.sessions_obtained = 0  # how many times the auth endpoint was asked (tests, stats)

    # -- session ---------------------------------------------------------------------------

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "Accept": "application/json", "dstcode": self.config.dstcode}
        try:
            response = self.http.post(self.config.url + path, json=body, headers=headers,
                                      timeout=(min(5, self.config.timeout),
                                               self.config.timeout))
        except requests.RequestException as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict) or "error_code" not in data:
            raise TransportError(f"HTTP {response.status_code}: not an adapter answer: "
                                 f"{response.text[:300]}", answer=response.text[:2000])
        return data

    def session(self, *, renew: bool = False) -> str:
        with self._lock:
            fresh = time.monotonic() - self._session_at < self.config.token_ttl
            if self._session and fresh and not renew:
                return self._session
            if not (self.config.username and self.config.password):
                raise NotConfigured("ONESTOP_NATIONAL_USERNAME / _PASSWORD are not set")
            data = self._post(self.config.auth_path, {"username": self.config.username,
                                                      "password": self.config.password})
            if _code(data) != 0 or not data.get("session"):
                raise AdapterError(f"auth refused: {data.get('message') or data}",
                                   answer=data, code=data.get("error_code"))
            self._session, self._session_at = str(data["session"]), time.monotonic()
            self.sessions_obtained += 1
            return self._session

    # -- operations ------------------------------------------------------------------------

    def call(self, service: str, *, data: Any = None, **extra: Any) -> Answer:
        """Call one operation; a session the adapter no longer knows is renewed once."""
        for attempt in (0, 1):
            body: dict[str, Any] = {"session": self.session(renew=attempt == 1),
                                    "madonvi": self.config.unit_code, "service": service,
                                    **extra}
            if data is not None:
                body["data"] = data
            answer = self._post(self.config.call_path, body)
            code = _code(answer)
            if code == 0:
                result = answer.get("result")
                return Answer(result=result if isinstance(result, list) else [], raw=answer)
            if code in SESSION_ERRORS and attempt == 0:
                continue
            raise AdapterError(f"{service}: error_code {answer.get('error_code')}: "
                               f"{answer.get('message', '')}".strip(), answer=answer,
                               code=answer.get("error_code"))
        raise AssertionError("unreachable")  # pragma: no cover

    def dossier_exists(self, code: str) -> bool:
        """TraCuuHoSo: whether the portal already holds the dossier (sets isUpdating)."""
        answer = self.call("TraCuuHoSo", MaHoSo=code)
        return any(isinstance(r, dict) and r.get("MaHoSo") == code for r in answer.result)

    def dossier_sync(self, record: dict[str, Any], *, is_updating: bool) -> Answer:
        """DongBoHoSoMC: send one dossier (new, or an update of one the portal holds)."""
        return self.call("DongBoHoSoMC", data=[record],
                         isUpdating="true" if is_updating else "false")

    def progress_sync(self, record: dict[str, Any]) -> Answer:
        """CapNhatTienDoHoSoMC: send one processing step of a dossier."""
        return self.call("CapNhatTienDoHoSoMC", data=[record])

    # -- the national catalog (docs/national.md, "Catalog import") --------------------------

    def procedure_list(self) -> list[Any]:
        """LayDanhSachTTHC: the procedures of the unit (MATTHC, TENTTHC …)."""
        return self.call("LayDanhSachTTHC").result

    def procedure_detail(self, code: str) -> list[Any]:
        """LayThuTuc: one procedure's record (an empty list when the catalog has none)."""
        return self.call("LayThuTuc", maTTHC=code).result

    def agency_list(self) -> list[Any]:
        """LayDanhMucCoQuan: agencies (MADONVI, TENDONVI, CAPDONVI)."""
        return self.call("LayDanhMucCoQuan").result

    def field_list(self) -> list[Any]:
        """LayDanhMucLinhVuc: fields (MALINHVUC, TENLINHVUC, MANGANH)."""
        return self.call("LayDanhMucLinhVuc").result

    def fetch_file(self, url: str, *, max_bytes: int) -> bytes:
        """GET a file the catalog links to (a blank form), at most `max_bytes`."""
        try:
            with self.http.get(url, stream=True, timeout=(min(5, self.config.timeout),
                                                          self.config.timeout)) as response:
                if response.status_code != 200:
                    raise TransportError(f"HTTP {response.status_code} for {url}")
                chunks, size = [], 0
                for chunk in response.iter_content(65536):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TransportError(f"{url}: larger than {max_bytes} bytes")
                    chunks.append(chunk)
                return b"".join(chunks)
        except requests.RequestException as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc


def _code(answer: dict[str, Any]) -> int | None:
    try:
        return int(answer.get("error_code"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
