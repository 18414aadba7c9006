"""Citizen portal over HTTP: catalog search and public lookup against a bare view.

For each data set, one gunicorn (2 sync workers, perf.wsgi_perf) on a free loopback port
serves three URLs that `wrk` (or bench_http's Python fallback) loads in alternating rounds,
so background load hits all alike:

- `/perf/bare/`: the baseline (full middleware stack, no database, no template);
- `/thu-tuc/?q=khai+sinh`: the catalog search a citizen types;
- `POST /tra-cuu/` with code=…&factor=…: the public lookup of one existing dossier.

Data sets (PostgreSQL, never the database `test`):

- demo: `onestop seed_demo` into its own database `onestop_perf_demo` (created and migrated
  if missing; seeding is idempotent), URL in ONESTOP_PERF_DEMO_DATABASE_URL;
- million: the database `onestop_perf` that `perf/run` fills with 1,000,000 dossiers.

Run alone: `.venv/bin/python -m perf.bench_portal [--seconds 8] [--only demo million]`,
or as the step `portal` of `perf/run`. Traffic goes to 127.0.0.1 only; every round is
bounded in time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CATALOG_PATH = "/thu-tuc/?q=khai+sinh"
DEMO_URL = os.environ.get("ONESTOP_PERF_DEMO_DATABASE_URL",
                          "postgres://postgres@127.0.0.1:5432/onestop_perf_demo")
MILLION_URL = os.environ.get("ONESTOP_PERF_DATABASE_URL",
                             "postgres://postgres@127.0.0.1:5432/onestop_perf")
REFUSED = {"test", "postgres", "template0", "template1"}


@dataclass
class Dataset:
    name: str
    database: str
    dossiers: int = 0
    procedures: int = 0
    lookup_url: str = ""
    catalog_hits: int = 0
    bare: list[Any] = field(default_factory=list)
    catalog: list[Any] = field(default_factory=list)
    lookup: list[Any] = field(default_factory=list)
    bare_rps: float = 0.0
    catalog_rps: float = 0.0
    lookup_rps: float = 0.0
    catalog_ratio: float = 0.0
    lookup_ratio: float = 0.0


@dataclass
class PortalResult:
    tool: str
    workers: int
    connections: int
    seconds_per_round: float
    rounds: int
    datasets: list[Dataset] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _connect(url: str, *, admin: bool = False) -> Any:
    import psycopg

    db = dj_database_url.parse(url)
    return psycopg.connect(
        dbname="postgres" if admin else db["NAME"], user=db.get("USER") or None,
        password=db.get("PASSWORD") or None, host=db.get("HOST") or None,
        port=db.get("PORT") or None, autocommit=True)


def _check_name(url: str) -> str:
    name = str(dj_database_url.parse(url)["NAME"])
    if name in REFUSED:
        raise RuntimeError(f"refusing to benchmark in database {name!r}")
    return name


def prepare_demo(*, log: Any = print) -> None:
    """Create onestop_perf_demo if missing, migrate it, load the demo data (idempotent)."""
    from psycopg import sql

    name = _check_name(DEMO_URL)
    with _connect(DEMO_URL, admin=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                             [name]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env = {**os.environ, "DATABASE_URL": DEMO_URL, "DJANGO_SETTINGS_MODULE": "onestop.settings"}
    onestop = str(Path(sys.executable).with_name("onestop"))
    for args in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
        out = subprocess.run([onestop, *args], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=1800, check=True)
        if out.stdout.strip():
            log(f"  demo: {out.stdout.strip().splitlines()[-1]}")


def _facts(url: str) -> tuple[int, int, str, str]:
    """(dossiers, published procedure versions, code, last 4 digits) of a dossier with a
    code and a phone, read with plain SQL (Django is set up for one database only)."""
    with _connect(url) as conn:
        dossiers = conn.execute("SELECT count(*) FROM dossiers_dossier").fetchone()[0]
        procedures = conn.execute(
            "SELECT count(*) FROM catalog_procedureversion WHERE state = 'published'"
        ).fetchone()[0]
        row = conn.execute(
            "SELECT code, applicant_phone FROM dossiers_dossier WHERE code IS NOT NULL "
            "AND length(applicant_phone) >= 4 ORDER BY id LIMIT 1").fetchone()
    if row is None:
        raise RuntimeError(f"no dossier with a code and a phone in {url}")
    return int(dossiers), int(procedures), str(row[0]), str(row[1])[-4:]


def _get(url: str, form: str = "") -> tuple[int, str]:
    data = form.encode() if form else None  # a form is POSTed
    with urllib.request.urlopen(url, data=data, timeout=30) as response:  # noqa: S310
        return response.status, response.read().decode()


def measure(name: str, database_url: str, *, seconds: float, rounds: int, workers: int,
            connections: int, load: Any, log: Any) -> Dataset:
    from .bench_http import _wait_ready, free_port

    dossiers, procedures, code, factor = _facts(database_url)
    lookup_path = "/tra-cuu/"  # the digits are POSTed (issue 17 item 9)
    lookup_form = urlencode({"code": code, "factor": factor})
    data = Dataset(name=name, database=_check_name(database_url), dossiers=dossiers,
                   procedures=procedures, lookup_url=lookup_path)
    port = free_port()
    base = f"http://{HOST}:{port}"
    env = {**os.environ, "ONESTOP_PERF_DATABASE_URL": database_url}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # perf.wsgi_perf forces perf.settings_perf
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "perf.wsgi_perf:application",
         "--bind", f"{HOST}:{port}", "--workers", str(workers), "--log-level", "warning",
         "--chdir", str(ROOT)],
        cwd=ROOT, env=env,
    )
    try:
        _wait_ready(base + "/perf/bare/", proc)
        # Correct answers before timing: search hits, the dossier found.
        status, body = _get(base + CATALOG_PATH)
        data.catalog_hits = body.count("procedure-item\"")
        if status != 200 or data.catalog_hits == 0:
            raise RuntimeError(f"{name}: the catalog search found nothing (HTTP {status})")
        status, body = _get(base + lookup_path, form=lookup_form)
        if status != 200 or code not in body:
            raise RuntimeError(f"{name}: the lookup of {code} did not show it (HTTP {status})")
        paths = {"bare": ("/perf/bare/", ""), "catalog": (CATALOG_PATH, ""),
                 "lookup": (lookup_path, lookup_form)}
        for path, form in paths.values():  # warm both workers
            load(base + path, seconds=1, connections=connections, form=form)
        for _ in range(rounds):
            for key, (path, form) in paths.items():
                getattr(data, key).append(load(base + path, seconds=seconds,
                                               connections=connections, form=form))
            log(f"  {name}: bare {data.bare[-1].rps:,.0f} rps, catalog "
                f"{data.catalog[-1].rps:,.0f} rps, lookup {data.lookup[-1].rps:,.0f} rps")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    data.bare_rps = round(sum(r.rps for r in data.bare) / rounds, 1)
    data.catalog_rps = round(sum(r.rps for r in data.catalog) / rounds, 1)
    data.lookup_rps = round(sum(r.rps for r in data.lookup) / rounds, 1)
    if data.bare_rps:
        data.catalog_ratio = round(data.catalog_rps / data.bare_rps, 3)
        data.lookup_ratio = round(data.lookup_rps / data.bare_rps, 3)
    errors = sum(r.errors for r in data.bare + data.catalog + data.lookup)
    if errors:
        raise RuntimeError(f"{name}: {errors} failed requests")
    return data


def run(*, seconds: float = 8.0, rounds: int = 2, workers: int = 2, connections: int = 8,
        only: tuple[str, ...] = ("demo", "million"), log: Any = print) -> PortalResult:
    from .bench_http import _python_load, _wrk

    tool = "wrk" if shutil.which("wrk") else "python http.client"
    load = _wrk if tool == "wrk" else _python_load
    result = PortalResult(tool=tool, workers=workers, connections=connections,
                          seconds_per_round=seconds, rounds=rounds)
    if "demo" in only:
        t0 = time.perf_counter()
        prepare_demo(log=log)
        log(f"  demo database ready in {time.perf_counter() - t0:.0f} s")
        result.datasets.append(measure("demo", DEMO_URL, seconds=seconds, rounds=rounds,
                                       workers=workers, connections=connections, load=load,
                                       log=log))
    if "million" in only:
        result.datasets.append(measure("million", MILLION_URL, seconds=seconds, rounds=rounds,
                                       workers=workers, connections=connections, load=load,
                                       log=log))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="perf.bench_portal", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", nargs="+", choices=("demo", "million"),
                        default=["demo", "million"])
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from perf import database

    # The million's database must be migrated like the code under test (perf/run does it).
    database.configure()
    if "million" in args.only:
        database.ensure_database()
        database.migrate()
    result = run(seconds=args.seconds, rounds=args.rounds, only=tuple(args.only))
    print(f"{'data':8} {'dossiers':>10} {'bare':>8} {'catalog':>8} {'ratio':>6} "
          f"{'lookup':>8} {'ratio':>6}")
    for d in result.datasets:
        print(f"{d.name:8} {d.dossiers:>10,} {d.bare_rps:>8,.0f} {d.catalog_rps:>8,.0f} "
              f"{d.catalog_ratio:>6.3f} {d.lookup_rps:>8,.0f} {d.lookup_ratio:>6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
