"""Run every benchmark against PostgreSQL: ``perf/run`` or ``.venv/bin/python -m perf``.

Steps, in order: create and migrate the database ``onestop_perf``; WorkCalendar.due() calls
per second; generate 1,000,000 dossiers (skipped when present); receipt throughput; the
staff pages on the million; the public lookup against a bare view over HTTP; the portal's
catalog search and lookup against a bare view, on the demo data and on the million. Prints a table
and writes perf/results/latest.json (plus a dated copy).

Exit status: 0 when every correctness check held (consecutive codes, valid audit chain,
constant query counts, no failed request), 1 otherwise. A throughput below its aim is
reported in the table, not turned into a failure: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "perf" / "results"
ALL_STEPS = ("calendar", "generate", "receipt", "pages", "http", "staff", "portal", "national")


def log(message: str) -> None:
    print(message, flush=True)


def _machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = None
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem_gib = round(pages / 2**30, 1)
    except (ValueError, OSError):
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "memory_gib": mem_gib,
            "python": platform.python_version(), "platform": platform.platform()}


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return value


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        text = f"{value:,.3f}" if abs(value) < 10 else f"{value:,.0f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def print_table(rows: list[tuple[str, str, str, str, str]]) -> None:
    head = ("benchmark", "result", "baseline (same run)", "ratio", "aim / check")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(5)]
    line = "  ".join("-" * w for w in widths)
    log(line)
    log("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    log(line)
    for row in rows:
        log("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    log(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="perf", description=__doc__.split("\n\n")[0])
    parser.add_argument("--reset", action="store_true",
                        help="drop and recreate the onestop_perf database first")
    parser.add_argument("--dossiers", type=int, default=1_000_000,
                        help="dossiers to generate (default 1,000,000)")
    parser.add_argument("--receipts", type=int, default=2000,
                        help="intakes per receipt run (sequential; the same again on threads)")
    parser.add_argument("--requests", type=int, default=50,
                        help="timed requests per page case (bounded by --page-seconds)")
    parser.add_argument("--page-seconds", type=float, default=15.0,
                        help="time cap per page case, in seconds")
    parser.add_argument("--http-seconds", type=float, default=10.0,
                        help="seconds per HTTP load round (2 rounds per URL)")
    parser.add_argument("--filings", type=int, default=300,
                        help="online filings (then receipts) through the API in the staff step")
    parser.add_argument("--only", nargs="+", choices=ALL_STEPS, default=list(ALL_STEPS),
                        help="run only these steps (database setup always runs)")
    parser.add_argument("--smoke", action="store_true",
                        help="small data set (perf/smoke): constant query counts, a claim "
                             "about the million, are reported but do not fail the run")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from perf import database

    started = time.perf_counter()
    database.configure()
    from django.conf import settings
    from django.db import connection

    db_name = database.ensure_database(reset=args.reset)
    log(f"database {db_name} on {settings.DATABASES['default'].get('HOST')}: migrating")
    database.migrate()
    with connection.cursor() as c:
        c.execute("SHOW server_version")
        pg_version = c.fetchone()[0]

    report: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": "perf/run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "git_commit": _git_commit(),
        "machine": {**_machine(), "postgresql": pg_version},
        "database": db_name,
        "load_average": {},
        "results": {},
        "checks": {},
    }
    rows: list[tuple[str, str, str, str, str]] = []
    checks: dict[str, bool] = report["checks"]
    errors: dict[str, str] = {}

    def step(name: str, fn: Any) -> Any:
        if name not in args.only:
            return None
        report["load_average"][name] = [round(x, 2) for x in os.getloadavg()]
        log(f"[{name}] load average {report['load_average'][name]}")
        t0 = time.perf_counter()
        try:
            out = fn()
        except Exception as exc:  # noqa: BLE001 - one broken step must not hide the others
            errors[name] = f"{type(exc).__name__}: {exc}"
            log(f"[{name}] FAILED: {errors[name]}")
            return None
        report["results"][name] = _plain(out)
        log(f"[{name}] done in {time.perf_counter() - t0:.0f} s")
        return out

    from perf import bench_calendar, bench_http, bench_pages, bench_receipt, generate

    cal = step("calendar", bench_calendar.run)
    if cal is not None:
        rows.append(("WorkCalendar.due(), one core", _fmt(cal.due_per_s, "calls/s"),
                     _fmt(cal.baseline_per_s, "start+timedelta/s"),
                     f"{cal.baseline_per_s / cal.due_per_s:.0f}x slower",
                     f">= {cal.target_per_s:,}: "
                     + ("OK" if cal.due_per_s >= cal.target_per_s else "BELOW")))

    gen = step("generate", lambda: generate.generate(args.dossiers, log=log))
    if gen is not None:
        rows.append(("generate dossiers", "already there" if gen.skipped
                     else f"{gen.dossiers:,} in {gen.seconds:.0f} s", "", "",
                     f"{gen.dossiers:,} dossiers present"))

    rec = step("receipt", lambda: bench_receipt.run(n=args.receipts, log=log))
    if rec is not None:
        checks["receipt codes 0001..N, no gap or duplicate"] = rec.codes_consecutive
        checks["audit chain valid after the receipts"] = rec.audit_chain_ok
        rows.append(("receipt, sequential", _fmt(rec.sequential_per_s, "dossiers/s"),
                     _fmt(rec.bare_create_per_s, "bare creates/s"),
                     f"{rec.sequential_per_s / rec.bare_create_per_s:.3f}",
                     ">= 100: " + ("OK" if rec.sequential_per_s >= 100 else "BELOW")))
        rows.append((f"receipt, {rec.threads} threads", _fmt(rec.concurrent_per_s, "dossiers/s"),
                     _fmt(rec.bare_create_per_s, "bare creates/s"),
                     f"{rec.concurrent_per_s / rec.bare_create_per_s:.3f}",
                     ">= 100: " + ("OK" if rec.concurrent_per_s >= 100 else "BELOW")
                     + ", codes consecutive"))

    pages = step("pages", lambda: bench_pages.run(n=args.requests,
                                                  max_seconds=args.page_seconds, log=log))
    if pages is not None:
        if not pages.available:
            rows.append(("staff pages", "not measured", "", "", pages.reason))
        else:
            checks["queue page: same query count on every tab and page"] = bool(
                pages.queue_queries_constant)
            checks["dossier page: same query count for every dossier"] = bool(
                pages.dossier_queries_constant)
            checks["pages answered 200"] = all(
                c.status == 200 for c in [*pages.queue, *pages.dossier])
            for kind, cases in (("queue", pages.queue), ("dossier", pages.dossier)):
                for c in cases:
                    rows.append((f"{kind}: {c.name}",
                                 f"median {c.median_ms} ms, p95 {c.p95_ms} ms",
                                 "", "",
                                 f"{c.queries} queries"
                                 + (f", {c.rows} rows" if c.rows is not None else "")))

    http = step("http", lambda: bench_http.run(seconds=args.http_seconds, log=log))
    if http is not None:
        checks["HTTP benchmark: no failed request"] = True
        rows.append(("public lookup vs bare view (gunicorn, 2 workers)",
                     _fmt(http.lookup_rps, "req/s"), _fmt(http.bare_rps, "req/s bare"),
                     f"{http.ratio:.3f}", ">= 0.5: " + ("OK" if http.ratio >= 0.5 else "BELOW")))
        ip = http.in_process
        rows.append(("  same, in-process (no HTTP)", _fmt(ip.get("lookup_ms"), "ms/request"),
                     _fmt(ip.get("bare_ms"), "ms bare"),
                     f"{ip['bare_ms'] / ip['lookup_ms']:.3f}" if ip.get("lookup_ms") else "",
                     f"{ip.get('lookup_queries')} queries"))

    from perf import bench_staff

    staff = step("staff", lambda: bench_staff.run(seconds=args.http_seconds,
                                                  filings=args.filings, log=log))
    if staff is not None:
        checks["staff benchmark: no failed request"] = True
        for c in staff.cases:
            verdict = "OK" if c.ratio >= c.aim else "BELOW"
            query_aim = bench_staff.QUERY_AIMS.get(c.name)
            queries = f"{c.queries} queries" + (
                f" (aim <= {query_aim})" if query_aim is not None else "")
            rows.append((f"staff {c.name} ({c.method}) vs bare", _fmt(c.rps, "req/s"),
                         _fmt(staff.floor_rps, "req/s bare"), f"{c.ratio:.3f}",
                         f">= 1/{round(1 / c.aim)}: {verdict}; p50 {c.p50_ms} ms, "
                         f"p99 {c.p99_ms} ms; {queries}"))

    from perf import bench_portal

    portal = step("portal", lambda: bench_portal.run(seconds=args.http_seconds, log=log))
    if portal is not None:
        checks["portal benchmark: no failed request"] = True
        for d in portal.datasets:
            rows.append((f"catalog search vs bare ({d.name}, {d.dossiers:,} dossiers)",
                         _fmt(d.catalog_rps, "req/s"), _fmt(d.bare_rps, "req/s bare"),
                         f"{d.catalog_ratio:.3f}", f"{d.catalog_hits} hits"))
            rows.append((f"public lookup vs bare ({d.name})", _fmt(d.lookup_rps, "req/s"),
                         _fmt(d.bare_rps, "req/s bare"), f"{d.lookup_ratio:.3f}", ""))

    def national_run() -> dict[str, Any]:
        # Its own process: it runs on a throw-away SQLite database, not the perf database.
        small = ["--dossiers", "20", "--latency", "5", "--backlog", "10"] if args.smoke else []
        done = subprocess.run([sys.executable, str(ROOT / "perf" / "bench_national.py"), *small],
                              cwd=ROOT, capture_output=True, text=True, timeout=1800)
        out: dict[str, Any] = json.loads(
            (ROOT / "perf" / "results" / "national-latest.json").read_text())
        out["exit_status"] = done.returncode
        return out

    national = step("national", national_run)
    if national is not None:
        t, lat, b = national["throughput"], national["latency_ms"], national["backlog"]
        checks["national backlog: nothing lost, duplicated or out of order"] = (
            national["exit_status"] == 0)
        rows.append(("national sync through the outbox (stand-in, HTTP)",
                     _fmt(t["outbox_dossiers_per_s"], "dossiers/s"),
                     _fmt(t["bare_round_trips_dossiers_per_s"], "dossiers/s bare"),
                     f"{t['outbox_vs_bare']:.3f}", f"{t['dossiers']} dossiers"))
        rows.append(("national change → sync", f"p50 {lat['p50']} ms", "", "",
                     f"p95 {lat['p95']} ms"))
        rows.append(("national backlog after the stand-in was down", f"{b['rows']} rows",
                     "", "", f"lost {b['lost']}, duplicated {b['duplicated']}, in order "
                     f"{b['in_order_per_dossier']}"))

    for name in errors:
        checks[f"{name} ran"] = False
    report["errors"] = errors
    report["seconds"] = round(time.perf_counter() - started, 1)
    log("")
    print_table(rows)
    # On a few thousand dossiers an empty tab skips a query the million never skips: the
    # query-count claims are the full run's to judge.
    advisory = {name for name in checks if args.smoke and "query count" in name}
    for name, ok in checks.items():
        log(f"{'PASS' if ok else 'WARN' if name in advisory else 'FAIL'}  {name}")
    for name, message in errors.items():
        log(f"ERROR {name}: {message}")
    log(f"total {report['seconds']:.0f} s")

    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, ensure_ascii=False, default=str)
    (RESULTS / "latest.json").write_text(text)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"run-{stamp}.json").write_text(text)
    log(f"wrote {RESULTS / 'latest.json'}")
    return 0 if all(ok for name, ok in checks.items() if name not in advisory) else 1


if __name__ == "__main__":
    sys.exit(main())
