"""The city at its peak, open loop: a fixed offered rate of mixed requests, step by step
(issue 13: "perf/mixed").

Why open loop: a closed-loop client (wrk, or threads that wait for each answer) slows down
when the server does, so it never offers more than the server can take and hides the queue
that real citizens would stand in. Here each request has a scheduled send time (constant
rate, like wrk2), and its latency is measured from that time, not from when a connection
happened to be free: a server that falls behind shows it in p95/p99 (no coordinated
omission). wrk2 is not packaged for Debian and Locust is closed-loop per user, so the
generator is aiohttp (already a dependency) on one asyncio loop.

The mix (shares of requests, by the issue's city peak): mostly citizen reads (portal home,
catalog search, procedure detail API, public lookup, "my dossiers" API), 5 % online filings
through the API (two small PDFs), 5 % staff actions (the officer's `receive` of a dossier
filed before the step), 17 % queue reads (the staff queue page and API).

Per rate step: offered and achieved requests/s, p50/p95/p99 from the scheduled time, errors
(any unexpected status, timeout or connection error), the generator's own lag (how late it
sent; if that grows, the client, not the server, is the limit) and the load average. A step
holds when p95 <= 200 ms with no error. The floor (bare view, wrk, same gunicorn) is
measured in the same run for the ratio.

    perf/mixed [--rates 100 200 300 400] [--seconds 20] [--workers 5]

Needs the generated data (`perf/run --only generate`, run here when missing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "perf" / "results"
P95_AIM_MS = 200.0
RATE_AIM = 300.0

# (kind, share in percent). Sums to 100.
MIX: tuple[tuple[str, int], ...] = (
    ("home page", 15), ("catalog search", 20), ("procedure API", 15), ("lookup", 15),
    ("my dossiers API", 8),
    ("filing API", 5), ("receive API", 5),
    ("queue page", 9), ("queue API", 8),
)


@dataclass
class Step:
    offered_rps: float
    seconds: float
    sent: int = 0
    achieved_rps: float = 0.0
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    p95_by_kind_ms: dict[str, float] = field(default_factory=dict)
    generator_lag_p99_ms: float = 0.0
    load_average: list[float] = field(default_factory=list)
    holds: bool = False


@dataclass
class MixedResult:
    workers: int
    floor_rps: float = 0.0
    mix: dict[str, int] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    sustained_rps: float = 0.0  # the highest offered rate whose step held
    # In this process, no HTTP: ms of one request of each kind (median of a few), and the
    # share of the mix's time each kind takes (share of requests x its cost): where to look.
    cost_ms: dict[str, float] = field(default_factory=dict)
    cost_share: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    expect: int


def _percentile(ordered: list[float], p: float) -> float | None:
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)


def schedule(rate: float, seconds: float, *, seed: int) -> list[tuple[float, str]]:
    """(offset in seconds, kind) of every request of a step: constant rate, the kind drawn
    from MIX with a fixed seed so two runs offer the same sequence."""
    rng = random.Random(seed)
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    n = int(rate * seconds)
    return [(i / rate, rng.choices(kinds, weights)[0]) for i in range(n)]


class _Traffic:
    """Builds each kind's request; staff actions take dossiers filed before the step."""

    def __init__(self, world: Any, lookup: tuple[str, str], pool: list[dict[str, Any]]) -> None:
        from .bench_staff import _multipart

        self.w = world
        self.pool = pool
        self.filing_type, self.filing_body = _multipart(world)
        self.lookup_form = urlencode({"code": lookup[0], "factor": lookup[1]}).encode()

    def make(self, kind: str) -> _Request | None:
        w = self.w
        staff = {"Authorization": f"Bearer {w.officer_token}"}
        citizen = {"Authorization": f"Bearer {w.citizen_token}"}
        cookie = {"Cookie": w.officer_cookie}
        if kind == "home page":
            return _Request("GET", "/", {}, None, 200)
        if kind == "catalog search":
            return _Request("GET", "/thu-tuc/?q=khai+sinh", {}, None, 200)
        if kind == "procedure API":
            return _Request("GET", f"/api/v1/procedures/{w.procedure_code}", {}, None, 200)
        if kind == "lookup":
            return _Request("POST", "/tra-cuu/",
                            {"Content-Type": "application/x-www-form-urlencoded"},
                            self.lookup_form, 200)
        if kind == "my dossiers API":
            return _Request("GET", "/api/v1/dossiers", citizen, None, 200)
        if kind == "filing API":
            return _Request("POST", "/api/v1/dossiers",
                            {**citizen, "Content-Type": self.filing_type}, self.filing_body, 201)
        if kind == "receive API":
            if not self.pool:
                return None
            d = self.pool.pop()
            return _Request("POST", f"/api/v1/staff/dossiers/{d['id']}/actions/receive",
                            {**staff, "Content-Type": "application/json"},
                            json.dumps({"expected_version": d["version"]}).encode(), 200)
        if kind == "queue page":
            return _Request("GET", "/backoffice/?tab=agency", cookie, None, 200)
        if kind == "queue API":
            return _Request("GET", "/api/v1/staff/queue?tab=agency", staff, None, 200)
        raise ValueError(kind)


async def _run_step(base: str, traffic: _Traffic, rate: float, seconds: float, *,
                    seed: int, connections: int, timeout: float) -> Step:
    import aiohttp

    step = Step(offered_rps=rate, seconds=seconds)
    plan = schedule(rate, seconds, seed=seed)
    latencies: list[float] = []
    by_kind: dict[str, list[float]] = {}
    lags: list[float] = []
    errors: dict[str, int] = {}

    def fail(reason: str) -> None:
        errors[reason] = errors.get(reason, 0) + 1

    connector = aiohttp.TCPConnector(limit=connections, force_close=False)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(base, connector=connector, timeout=client_timeout,
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:

        async def one(scheduled: float, kind: str, request: _Request) -> None:
            try:
                async with session.request(request.method, request.path, data=request.body,
                                           headers=request.headers,
                                           allow_redirects=False) as response:
                    await response.read()
                    if response.status != request.expect:
                        fail(f"{kind}: HTTP {response.status}")
            except (aiohttp.ClientError, TimeoutError) as exc:
                fail(f"{kind}: {type(exc).__name__}")
            elapsed = (time.perf_counter() - scheduled) * 1000
            latencies.append(elapsed)
            by_kind.setdefault(kind, []).append(elapsed)

        loop_start = time.perf_counter() + 0.05
        tasks: list[asyncio.Task[None]] = []
        for offset, kind in plan:
            scheduled = loop_start + offset
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            lags.append(max(0.0, (time.perf_counter() - scheduled) * 1000))
            request = traffic.make(kind)
            if request is None:
                fail(f"{kind}: no filed dossier left to act on")
                continue
            tasks.append(asyncio.create_task(one(scheduled, kind, request)))
        await asyncio.gather(*tasks)
        finished = time.perf_counter()
    ordered = sorted(latencies)
    step.sent = len(tasks)
    step.achieved_rps = round(len(ordered) / (finished - loop_start), 1) if ordered else 0.0
    step.p50_ms, step.p95_ms, step.p99_ms = (_percentile(ordered, p) for p in (0.5, 0.95, 0.99))
    step.errors = sum(errors.values())
    step.error_kinds = errors
    step.p95_by_kind_ms = {k: _percentile(sorted(v), 0.95) or 0.0 for k, v in by_kind.items()}
    step.generator_lag_p99_ms = _percentile(sorted(lags), 0.99) or 0.0
    step.load_average = [round(x, 2) for x in os.getloadavg()]
    step.holds = step.errors == 0 and step.p95_ms is not None and step.p95_ms <= P95_AIM_MS
    return step


def in_process_costs(traffic: _Traffic, repeat: int = 5) -> dict[str, float]:
    """Median ms of each kind through Django's test client (no HTTP, no other load)."""
    from django.test import Client

    client = Client()
    costs: dict[str, float] = {}
    for kind, _share in MIX:
        times: list[float] = []
        for _ in range(repeat + 1):  # the first one warms caches and templates
            request = traffic.make(kind)
            if request is None:
                break
            headers = {("HTTP_" + k.upper().replace("-", "_")): v
                       for k, v in request.headers.items() if k != "Content-Type"}
            if "Cookie" in request.headers:
                client.cookies.load(request.headers["Cookie"])
                headers.pop("HTTP_COOKIE")
            t0 = time.perf_counter()
            response = client.generic(request.method, request.path, request.body or b"",
                                      request.headers.get("Content-Type", ""), **headers)
            times.append((time.perf_counter() - t0) * 1000)
            if response.status_code != request.expect:
                raise RuntimeError(f"{kind} answered {response.status_code} in process")
        if len(times) > 1:
            costs[kind] = round(statistics.median(times[1:]), 2)
    return costs


def _prefile(port: int, world: Any, count: int, connections: int) -> list[dict[str, Any]]:
    """File `count` dossiers through the API before the steps: the receive actions' work."""
    from .bench_staff import _multipart, _post_many

    if count <= 0:
        return []
    content_type, body = _multipart(world)
    headers = {"Authorization": f"Bearer {world.citizen_token}", "Content-Type": content_type}
    case, bodies = _post_many(port, [("/api/v1/dossiers", headers, body)] * count,
                              connections=connections, expect=201)
    if case.errors:
        raise RuntimeError(f"{case.errors} of {count} filings before the run failed")
    return [json.loads(b) for b in bodies]


def run(*, rates: list[float], seconds: float, workers: int = 5, connections: int = 256,
        timeout: float = 30.0, seed: int = 13, log: Any = print) -> MixedResult:
    from django.db import connection

    from .bench_http import HOST, _wait_ready, _wrk, free_port, pick_lookup
    from .bench_staff import _world

    world = _world()
    code, factor, _label = pick_lookup()
    connection.close()  # the server's workers open their own connections
    result = MixedResult(workers=workers, mix=dict(MIX))
    receive_share = dict(MIX)["receive API"] / 100
    needed = sum(int(r * seconds * receive_share * 1.3) + 5 for r in rates) + 12  # + costs
    port = free_port()
    base = f"http://{HOST}:{port}"
    env = {**os.environ}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # perf.wsgi_perf forces perf.settings_perf
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "perf.wsgi_perf:application",
         "--bind", f"{HOST}:{port}", "--workers", str(workers), "--log-level", "warning",
         "--chdir", str(ROOT), "--timeout", "120", "--backlog", "2048"],
        cwd=ROOT, env=env,
    )
    try:
        _wait_ready(base + "/perf/bare/", proc)
        log(f"  mixed: filing {needed} dossiers for the staff actions")
        pool = _prefile(port, world, needed, connections=8)
        traffic = _Traffic(world, (code, factor), pool)
        result.cost_ms = in_process_costs(traffic)
        total = sum(result.cost_ms[k] * share for k, share in MIX if k in result.cost_ms)
        result.cost_share = {k: round(result.cost_ms[k] * share / total, 3)
                             for k, share in MIX if k in result.cost_ms}
        connection.close()
        log("  mixed: in-process ms per request: " + ", ".join(
            f"{k} {v}" for k, v in result.cost_ms.items())
            + f"; the mix's mean {total / 100:.1f} ms")
        # Warm every worker on every kind once (templates, caches), untimed.
        asyncio.run(_run_step(base, traffic, rate=20, seconds=2, seed=seed - 1,
                              connections=connections, timeout=timeout))
        result.floor_rps = _wrk(base + "/perf/bare/", seconds=max(2.0, seconds / 4),
                                connections=8).rps
        log(f"  mixed: floor (bare view) {result.floor_rps:,.0f} req/s")
        for k, rate in enumerate(rates):
            step = asyncio.run(_run_step(base, traffic, rate, seconds, seed=seed + k,
                                         connections=connections, timeout=timeout))
            result.steps.append(step)
            log(f"  mixed: offered {rate:,.0f}/s achieved {step.achieved_rps:,.0f}/s, p50 "
                f"{step.p50_ms} ms, p95 {step.p95_ms} ms, p99 {step.p99_ms} ms, "
                f"{step.errors} errors, generator lag p99 {step.generator_lag_p99_ms} ms, "
                f"load {step.load_average[0]}" + ("" if step.holds else "  (does not hold)"))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    held = [s.offered_rps for s in result.steps if s.holds]
    result.sustained_rps = max(held) if held else 0.0
    return result


def print_report(result: MixedResult) -> None:
    print(f"\nmixed city peak, open loop, gunicorn {result.workers} workers; floor (bare view)"
          f" {result.floor_rps:,.0f} req/s")
    head = f"{'offered/s':>10} {'achieved/s':>11} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} " \
           f"{'errors':>7} {'lag p99':>8} {'load':>5}  holds (p95 <= {P95_AIM_MS:.0f} ms, 0 err)"
    print(head)
    for s in result.steps:
        print(f"{s.offered_rps:>10,.0f} {s.achieved_rps:>11,.1f} {s.p50_ms!s:>8} "
              f"{s.p95_ms!s:>8} {s.p99_ms!s:>8} {s.errors:>7} {s.generator_lag_p99_ms:>8} "
              f"{s.load_average[0]:>5}  {'yes' if s.holds else 'no'}")
        if s.error_kinds:
            print("           errors: " + ", ".join(f"{k} x{n}" for k, n in s.error_kinds.items()))
        slow = sorted(s.p95_by_kind_ms.items(), key=lambda kv: -kv[1])[:3]
        print("           slowest p95: " + ", ".join(f"{k} {v} ms" for k, v in slow))
    if result.cost_ms:
        print("in process (no HTTP), ms per request and share of the mix's time: " + ", ".join(
            f"{k} {result.cost_ms[k]} ({result.cost_share[k]:.0%})" for k in result.cost_ms))
    verdict = "OK" if result.sustained_rps >= RATE_AIM else "BELOW"
    print(f"sustained: {result.sustained_rps:,.0f} req/s (aim >= {RATE_AIM:.0f}: {verdict}); "
          f"ratio to the floor {result.sustained_rps / result.floor_rps:.3f}"
          if result.floor_rps else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="perf/mixed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[100, 200, 300, 400],
                        help="offered requests/s, one step each (default 100 200 300 400)")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per step")
    parser.add_argument("--workers", type=int, default=5,
                        help="gunicorn workers (default 5, what `onestop serve` starts on 2 cores)")
    parser.add_argument("--dossiers", type=int, default=1_000_000,
                        help="dossiers to generate when the perf database has none")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from perf import database, generate

    database.configure()
    database.ensure_database()
    database.migrate()
    generate.generate(args.dossiers, log=print)
    result = run(rates=args.rates, seconds=args.seconds, workers=args.workers)
    print_report(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "mixed-latest.json").write_text(
        json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    print(f"wrote {RESULTS / 'mixed-latest.json'}")
    # A wrong answer fails the run; a slow step (or a timeout under overload) is reported,
    # not failed: the machine is shared and noisy, as in perf/run.
    broken = [k for s in result.steps for k in s.error_kinds
              if "HTTP" in k or "no filed dossier" in k]
    for kind in broken:
        print(f"FAIL  {kind}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
