"""Where staff work, measured from outside: each figure a ratio to the bare view (the floor)
on the same gunicorn in the same run (issue 13).

- GET, loaded with wrk (-t1, -cN, alternating rounds with the floor so background load hits
  both alike): the staff queue page (50 rows), the staff queue API, the dossier page and the
  staff detail API, as the officer of the generated service centre (session cookie for the
  pages, a bearer token for the API).
- POST, a fixed number of distinct requests from N keep-alive threads (each request changes
  state, so wrk's one repeated request does not fit): online filing through the API with two
  small PDFs (a citizen made for the run), then the officer's `receive` of exactly those
  dossiers through the API.

Also, in this process, the SQL queries each of these requests runs (CaptureQueriesContext).
Needs the generated data (`perf/run` step `generate`) and wrk; traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import http.client
import json
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .bench_http import HOST, _wait_ready, _wrk, free_port
from .generate import CENTRE

ROOT = Path(__file__).resolve().parent.parent

# The aims of issue 13, as fractions of the floor (bare view requests/s).
AIMS = {"queue page": 1 / 10, "queue API": 1 / 8, "dossier page": 1 / 8, "detail API": 1 / 8,
        "filing API": 1 / 10, "receive API": 1 / 15}
QUERY_AIMS = {"receive API": 12}


@dataclass
class Case:
    name: str
    method: str
    rps: float = 0.0
    ratio: float = 0.0
    aim: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    requests: int = 0
    errors: int = 0
    queries: int = 0


@dataclass
class StaffResult:
    floor_rps: float = 0.0
    connections: int = 0
    cases: list[Case] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _World:
    officer_cookie: str
    officer_token: str
    citizen_token: str
    dossier_id: int
    procedure_code: str
    document_ids: list[int]


def _world() -> _World:
    from onestop.accounts.models import User
    from onestop.api.tokens import tokens_issue
    from onestop.catalog.models import ProcedureVersion
    from onestop.dossiers.models import Dossier, Status

    officer = User.objects.get(username=f"perf-{CENTRE[0]}-officer")
    client = Client()
    client.force_login(officer)  # a real session row, read by the server's workers
    citizen, _ = User.objects.get_or_create(
        username="perf-citizen", defaults={"full_name": "Công dân đo hiệu năng (perf)",
                                           "cccd": "092099000001", "phone": "0900000001"})
    version = (ProcedureVersion.objects.filter(state=ProcedureVersion.State.PUBLISHED,
                                               procedure__code__startswith="9.")
               .order_by("procedure__code").first())
    if version is None:
        raise RuntimeError("no generated procedure: run the generate step first")
    docs = list(version.documents.filter(optional=False).order_by("order")
                .values_list("pk", flat=True))
    dossier = (Dossier.objects.filter(receiving_agency__code=CENTRE[0],
                                      status=Status.IN_PROCESS).order_by("-pk").first())
    if dossier is None:
        raise RuntimeError("no dossier in process at the generated centre")
    return _World(
        officer_cookie=f"sessionid={client.cookies['sessionid'].value}",
        officer_token=tokens_issue(user=officer, audience="staff").access_token,
        citizen_token=tokens_issue(user=citizen, audience="citizen").access_token,
        dossier_id=dossier.pk, procedure_code=version.procedure.code, document_ids=docs,
    )


def _multipart(w: _World) -> tuple[str, bytes]:
    from onestop.testing import PDF_BYTES

    boundary = "perf" + uuid.uuid4().hex
    parts: list[bytes] = []

    def field_(name: str, value: str) -> None:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())

    field_("procedure_code", w.procedure_code)
    field_("centre_code", CENTRE[0])
    for doc_id in w.document_ids:
        field_("document_ids", str(doc_id))
    for k, _doc_id in enumerate(w.document_ids):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                     f'filename="giay-to-{k}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
                     .encode() + PDF_BYTES + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def _post_many(port: int, requests: list[tuple[str, dict[str, str], bytes]], *,
               connections: int, expect: int) -> tuple[Case, list[bytes]]:
    """Send each request once from `connections` keep-alive threads; requests/s, latency
    percentiles, errors (any status but `expect`) and the bodies."""
    lock = threading.Lock()
    queue = list(enumerate(requests))
    bodies: list[bytes] = [b""] * len(requests)
    times: list[float] = []
    errors = [0]

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    k, (path, headers, body) = queue.pop()
                t0 = time.perf_counter()
                try:
                    conn.request("POST", path, body=body, headers=headers)
                    response = conn.getresponse()
                    bodies[k] = response.read()
                    ok = response.status == expect
                except (OSError, http.client.HTTPException):
                    ok = False
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=60)
                with lock:
                    times.append((time.perf_counter() - t0) * 1000)
                    errors[0] += 0 if ok else 1
        finally:
            conn.close()

    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(connections)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - t0
    ordered = sorted(times)
    case = Case(name="", method="POST", rps=round(len(requests) / elapsed, 1),
                requests=len(requests), errors=errors[0],
                p50_ms=round(statistics.median(ordered), 1) if ordered else None,
                p99_ms=round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 1)
                if ordered else None)
    return case, bodies


def _queries(fn: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    if response.status_code >= 400:
        raise RuntimeError(f"probe answered {response.status_code}: {response.content[:300]!r}")
    return len(ctx.captured_queries)


def _count_queries(w: _World) -> dict[str, int]:
    """Queries per request of each case, in this process, after one warm-up request."""
    staff = {"HTTP_AUTHORIZATION": f"Bearer {w.officer_token}"}
    citizen = {"HTTP_AUTHORIZATION": f"Bearer {w.citizen_token}"}
    client = Client()
    client.cookies.load(w.officer_cookie)
    gets = {"queue page": lambda: client.get("/backoffice/?tab=agency"),
            "queue API": lambda: client.get("/api/v1/staff/queue?tab=agency", **staff),
            "dossier page": lambda: client.get(f"/backoffice/dossiers/{w.dossier_id}/"),
            "detail API": lambda: client.get(f"/api/v1/staff/dossiers/{w.dossier_id}", **staff)}
    counts: dict[str, int] = {}
    for name, fn in gets.items():
        fn()
        counts[name] = _queries(fn)
    content_type, body = _multipart(w)
    api = Client()
    filed: list[Any] = []

    def file_one() -> Any:
        filed.append(api.generic("POST", "/api/v1/dossiers", body, content_type, **citizen))
        return filed[-1]

    file_one()  # warm-up
    counts["filing API"] = _queries(file_one)
    made = [json.loads(r.content) for r in filed]

    def receive(d: dict[str, Any]) -> Any:
        return api.post(f"/api/v1/staff/dossiers/{d['id']}/actions/receive",
                        {"expected_version": d["version"]}, content_type="application/json",
                        **staff)

    receive(made[0])  # warm-up
    counts["receive API"] = _queries(lambda: receive(made[1]))
    return counts


def run(*, seconds: float = 8.0, rounds: int = 2, workers: int = 2, connections: int = 8,
        filings: int = 300, log: Any = print) -> StaffResult:
    w = _world()
    counts = _count_queries(w)
    connection.close()  # the server's workers open their own connections
    result = StaffResult(connections=connections)
    port = free_port()
    base = f"http://{HOST}:{port}"
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "perf.wsgi_perf:application",
         "--bind", f"{HOST}:{port}", "--workers", str(workers), "--log-level", "warning",
         "--chdir", str(ROOT), "--timeout", "120"],
        cwd=ROOT,
    )
    gets = {
        "queue page": ("/backoffice/?tab=agency", f"Cookie: {w.officer_cookie}"),
        "queue API": ("/api/v1/staff/queue?tab=agency", f"Authorization: Bearer {w.officer_token}"),
        "dossier page": (f"/backoffice/dossiers/{w.dossier_id}/", f"Cookie: {w.officer_cookie}"),
        "detail API": (f"/api/v1/staff/dossiers/{w.dossier_id}",
                       f"Authorization: Bearer {w.officer_token}"),
    }
    floors: list[float] = []
    try:
        _wait_ready(base + "/perf/bare/", proc)
        _wrk(base + "/perf/bare/", seconds=1, connections=connections)  # warm both workers
        samples: dict[str, list[Any]] = {name: [] for name in gets}
        for _ in range(rounds):
            for name, (path, header) in gets.items():
                floors.append(_wrk(base + "/perf/bare/", seconds=seconds,
                                   connections=connections).rps)
                samples[name].append(_wrk(base + path, seconds=seconds, connections=connections,
                                          header=header))
                log(f"  staff: floor {floors[-1]:,.0f} rps, {name} {samples[name][-1].rps:,.0f}"
                    " rps")
        floor = statistics.mean(floors)
        result.floor_rps = round(floor, 1)
        for name, runs in samples.items():
            rps = statistics.mean(r.rps for r in runs)
            result.cases.append(Case(
                name=name, method="GET", rps=round(rps, 1), ratio=round(rps / floor, 4),
                aim=AIMS[name], p50_ms=max(r.p50_ms or 0 for r in runs),
                p99_ms=max(r.p99_ms or 0 for r in runs), requests=sum(r.requests for r in runs),
                errors=sum(r.errors for r in runs), queries=counts[name]))

        content_type, body = _multipart(w)
        citizen = {"Authorization": f"Bearer {w.citizen_token}", "Content-Type": content_type}
        filing, bodies = _post_many(port, [("/api/v1/dossiers", citizen, body)] * filings,
                                    connections=connections, expect=201)
        filing.name, filing.aim, filing.queries = "filing API", AIMS["filing API"], counts[
            "filing API"]
        filing.ratio = round(filing.rps / floor, 4)
        result.cases.append(filing)
        log(f"  staff: filing {filing.rps:,.1f}/s ({filing.errors} errors)")
        filed = [json.loads(b) for b in bodies if b.startswith(b"{") and b'"id"' in b]
        staff = {"Authorization": f"Bearer {w.officer_token}",
                 "Content-Type": "application/json"}
        receives = [(f"/api/v1/staff/dossiers/{d['id']}/actions/receive", staff,
                     json.dumps({"expected_version": d["version"]}).encode()) for d in filed]
        receive, _ = _post_many(port, receives, connections=connections, expect=200)
        receive.name, receive.aim, receive.queries = "receive API", AIMS["receive API"], counts[
            "receive API"]
        receive.ratio = round(receive.rps / floor, 4)
        result.cases.append(receive)
        log(f"  staff: receive {receive.rps:,.1f}/s ({receive.errors} errors)")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    failed = sum(c.errors for c in result.cases)
    if failed:
        raise RuntimeError(f"{failed} failed requests during the staff benchmark")
    return result
