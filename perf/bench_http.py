"""Public status lookup against a bare Django view: same gunicorn, same run, requests/s.

gunicorn (2 sync workers, the project's WSGI app under perf.settings_perf) listens on a free
loopback port; `wrk` (or, without it, a small keep-alive Python client) loads `/perf/bare/`
and the lookup of one existing dossier (`POST /tra-cuu/` code=…&factor=…) in alternating
rounds, so a change in background load hits both alike. The number that matters is the
ratio lookup/bare. Traffic goes to 127.0.0.1 only and every round is bounded in time.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # never anything else


@dataclass
class LoadResult:
    rps: float
    requests: int
    errors: int
    p50_ms: float | None = None
    p99_ms: float | None = None


@dataclass
class HttpResult:
    tool: str
    workers: int
    connections: int
    seconds_per_round: float
    rounds: int
    lookup_url: str = ""
    bare: list[LoadResult] = field(default_factory=list)
    lookup: list[LoadResult] = field(default_factory=list)
    bare_rps: float = 0.0
    lookup_rps: float = 0.0
    ratio: float = 0.0
    # Without HTTP, in this process: per-request ms of both views and the lookup's split
    # (SQL as timed by Django, the selector's Python around it, template rendering, the rest:
    # middleware, form, rate limiter).
    in_process: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def pick_lookup() -> tuple[str, str, str]:
    """(code, factor, status label) of an existing generated dossier with a public timeline."""
    from onestop.core.models import AuditEvent
    from onestop.dossiers.models import Dossier

    from .generate import MARK

    with_events = AuditEvent.objects.filter(
        object_type="dossier", action="dossier.generated_final"
    ).values_list("object_id", flat=True)[:50]
    dossier = (
        Dossier.objects.filter(pk__in=[int(x) for x in with_events], code__isnull=False,
                               receiving_agency__code=MARK)
        .exclude(applicant_phone="").order_by("pk").first()
    )
    if dossier is None:
        dossier = Dossier.objects.filter(code__isnull=False).exclude(applicant_phone="").first()
    if dossier is None:
        raise RuntimeError("no dossier with a code in the perf database")
    return dossier.code or "", dossier.applicant_phone[-4:], str(dossier.get_status_display())


def _wrk(url: str, *, seconds: float, connections: int, form: str = "", header: str = ""
         ) -> LoadResult:
    """Load `url` with wrk: GET, or POST of the url-encoded `form` (the lookup's digits go in
    the body, never the URL); `header` ("Name: value") is sent with every request."""
    script: list[str] = []
    if form:
        handle = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
        with handle:
            handle.write(f'wrk.method = "POST"\nwrk.body = "{form}"\nwrk.headers["Content-Type"]'
                         ' = "application/x-www-form-urlencoded"\n')
        script = ["-s", handle.name]
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{max(1, int(seconds))}s", "--latency",
             *script, *(["-H", header] if header else []), url],
            capture_output=True, text=True, timeout=seconds + 30, check=True,
        ).stdout
    finally:
        if script:
            os.unlink(script[1])
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (
        sum(int(x) for x in sock.groups()) if sock else 0
    )

    def pct(p: str) -> float | None:
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if m is None:
            return None
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
        return round(float(m.group(1)) * scale, 2)

    return LoadResult(rps=round(rps, 1), requests=total, errors=errors, p50_ms=pct("50"),
                      p99_ms=pct("99"))


def _python_load(url: str, *, seconds: float, connections: int, form: str = "") -> LoadResult:
    """Fallback load generator: `connections` threads, each one keep-alive HTTP connection."""
    m = re.match(r"http://127\.0\.0\.1:(\d+)(/.*)$", url)
    if m is None:
        raise ValueError("loopback URLs only")
    port, path = int(m.group(1)), m.group(2)
    counts = [0] * connections
    errors = [0] * connections
    stop = time.perf_counter() + seconds

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        try:
            while time.perf_counter() < stop:
                try:
                    if form:
                        conn.request("POST", path, body=form, headers={
                            "Content-Type": "application/x-www-form-urlencoded"})
                    else:
                        conn.request("GET", path)
                    response = conn.getresponse()
                    response.read()
                    if response.status >= 400:
                        errors[k] += 1
                    counts[k] += 1
                    if response.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = http.client.HTTPConnection(HOST, port, timeout=10)
                except (OSError, http.client.HTTPException):
                    errors[k] += 1
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=10)
        finally:
            conn.close()

    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(k,)) for k in range(connections)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - t0
    return LoadResult(rps=round(sum(counts) / elapsed, 1), requests=sum(counts),
                      errors=sum(errors))


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def _in_process(lookup_path: str, lookup_form: dict[str, str], repeat: int = 300
                ) -> dict[str, float]:
    """Per-request milliseconds of both views without HTTP, and where the lookup's time goes.

    The portal view's selector and render calls are wrapped with timers for the duration of
    this measurement only (the view's module attributes are restored afterwards).
    """
    from onestop.portal.views import lookup as portal_views

    spent = {"selector": 0.0, "render": 0.0}
    originals: dict[str, Any] = {
        "selector": portal_views.public_status_lookup, "render": portal_views.render,
    }

    def timed(name: str) -> Any:
        inner = originals[name]

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - t0

        return wrapper

    client = Client()
    for _ in range(10):
        client.get("/perf/bare/")
        client.post(lookup_path, lookup_form)
    t0 = time.perf_counter()
    for _ in range(repeat):
        client.get("/perf/bare/")
    bare = (time.perf_counter() - t0) / repeat
    setattr(portal_views, "public_status_lookup", timed("selector"))  # noqa: B010
    setattr(portal_views, "render", timed("render"))  # noqa: B010
    try:
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            for _ in range(repeat):
                client.post(lookup_path, lookup_form)
            lookup = (time.perf_counter() - t0) / repeat
    finally:
        setattr(portal_views, "public_status_lookup", originals["selector"])  # noqa: B010
        setattr(portal_views, "render", originals["render"])  # noqa: B010
    sql = sum(float(q["time"]) for q in ctx.captured_queries) / repeat
    selector = spent["selector"] / repeat
    render = spent["render"] / repeat
    return {
        "bare_ms": round(bare * 1000, 3),
        "lookup_ms": round(lookup * 1000, 3),
        "lookup_queries": len(ctx.captured_queries) // repeat,
        "lookup_sql_ms": round(sql * 1000, 3),
        "lookup_selector_python_ms": round((selector - sql) * 1000, 3),
        "lookup_render_ms": round(render * 1000, 3),
        "lookup_rest_ms": round((lookup - selector - render) * 1000, 3),
    }


def run(*, seconds: float = 8.0, rounds: int = 2, workers: int = 2, connections: int = 8,
        log: Any = print) -> HttpResult:
    code, factor, status = pick_lookup()
    lookup_path = "/tra-cuu/"  # the digits are POSTed (issue 17 item 9)
    lookup_form = {"code": code, "factor": factor}
    tool = "wrk" if shutil.which("wrk") else "python http.client"
    load = _wrk if tool == "wrk" else _python_load
    result = HttpResult(tool=tool, workers=workers, connections=connections,
                        seconds_per_round=seconds, rounds=rounds, lookup_url=lookup_path)

    # Check the lookup finds the dossier (not the "not found" page nor a 429) before timing.
    probe = Client().post(lookup_path, lookup_form)
    body = probe.content.decode()
    if probe.status_code != 200 or code not in body or status not in body:
        raise RuntimeError(f"the lookup of {code} did not show the dossier "
                           f"(HTTP {probe.status_code})")
    result.in_process = _in_process(lookup_path, lookup_form)
    connection.close()  # the server's workers open their own connections

    port = free_port()
    base = f"http://{HOST}:{port}"
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "perf.wsgi_perf:application",
         "--bind", f"{HOST}:{port}", "--workers", str(workers), "--log-level", "warning",
         "--chdir", str(ROOT)],
        cwd=ROOT,
    )
    try:
        _wait_ready(base + "/perf/bare/", proc)
        load(base + "/perf/bare/", seconds=1, connections=connections)  # warm both workers
        load(base + lookup_path, seconds=1, connections=connections,
             form=urlencode(lookup_form))
        for _ in range(rounds):
            result.bare.append(load(base + "/perf/bare/", seconds=seconds,
                                    connections=connections))
            result.lookup.append(load(base + lookup_path, seconds=seconds,
                                      connections=connections, form=urlencode(lookup_form)))
            log(f"  http: bare {result.bare[-1].rps:,.0f} rps, "
                f"lookup {result.lookup[-1].rps:,.0f} rps")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    result.bare_rps = round(sum(r.rps for r in result.bare) / rounds, 1)
    result.lookup_rps = round(sum(r.rps for r in result.lookup) / rounds, 1)
    result.ratio = round(result.lookup_rps / result.bare_rps, 3) if result.bare_rps else 0.0
    errors = sum(r.errors for r in result.bare + result.lookup)
    if errors:
        raise RuntimeError(f"{errors} failed requests during the HTTP benchmark")
    return result
