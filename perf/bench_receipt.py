"""Receipt throughput: dossier_intake_at_counter on PostgreSQL, sequential and from 4 threads.

Each run receives on days no earlier run used (the day after the last code counter of the
fixture centre), so the check "the day's codes are 0001..N, no gap, no duplicate" holds on
a database that keeps growing from run to run. The baseline, measured in the same run, is a
bare `Dossier.objects.create` loop: the cost of one INSERT in autocommit, with none of the
service's validation, code counter, planned steps or audit event.
"""

from __future__ import annotations

import datetime
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from onestop.testing import City, vn

CENTRE_CODE = "000.00.00.H99"  # onestop.testing.make_city()'s service centre


def load_or_make_city() -> City:
    """The shared fixture city: made once in the perf database, found again afterwards."""
    from onestop.accounts.models import User
    from onestop.agencies.models import Agency
    from onestop.catalog.models import ProcedureVersion
    from onestop.testing import make_city

    if not Agency.objects.filter(code=CENTRE_CODE).exists():
        return make_city()
    users = {u.username: u for u in User.objects.filter(
        username__in=["officer", "specialist", "leader", "admin", "outsider"])}
    return City(
        centre=Agency.objects.get(code=CENTRE_CODE),
        justice=Agency.objects.get(code="000.00.01.H99"),
        commune=Agency.objects.get(code="000.01.01.H99"),
        officer=users["officer"], specialist=users["specialist"], leader=users["leader"],
        admin=users["admin"], outsider=users["outsider"],
        version=ProcedureVersion.objects.get(procedure__code="1.001193", number=1),
    )


def fresh_day(city: City) -> datetime.date:
    """The first day with no code counter for the fixture centre (today at the earliest)."""
    from django.db.models import Max
    from django.utils import timezone

    from onestop.dossiers.models import CodeCounter

    last = CodeCounter.objects.filter(agency=city.centre).aggregate(m=Max("day"))["m"]
    today = timezone.localdate()
    return today if last is None or last < today else last + datetime.timedelta(days=1)


def day_sequence(city: City, day: datetime.date) -> list[int]:
    from onestop.dossiers.models import Dossier

    prefix = f"{city.centre.code}-{day:%y%m%d}-"
    codes = Dossier.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    return sorted(int(code.rsplit("-", 1)[1]) for code in codes if code)


def check_consecutive(city: City, day: datetime.date, expected: int) -> None:
    seq = day_sequence(city, day)
    if seq != list(range(1, expected + 1)):
        missing = sorted(set(range(1, expected + 1)) - set(seq))[:10]
        dupes = sorted({s for s in seq if seq.count(s) > 1})[:10]
        raise AssertionError(
            f"codes of {day} are not 1..{expected}: {len(seq)} codes, "
            f"missing {missing}, duplicated {dupes}"
        )


def backend_cpu_seconds() -> float | None:
    """CPU time used so far by this connection's PostgreSQL backend (same machine only)."""
    import os

    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        pid = c.fetchone()[0]
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime are fields 14 and 15 of /proc/<pid>/stat (1-based, after the name).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class ReceiptResult:
    n: int
    threads: int
    sequential_per_s: float
    # Where a sequential intake's time goes: CPU of this Python process, CPU of its
    # PostgreSQL backend, and the rest of the wall time (waiting: commit flush, other
    # processes on the 2 cores).
    wall_ms_per_intake: float
    client_cpu_ms_per_intake: float
    server_cpu_ms_per_intake: float | None
    concurrent_per_s: float
    bare_create_per_s: float
    queries_per_intake: int
    codes_consecutive: bool
    audit_chain_ok: bool


def _intake(city: City, at: datetime.datetime, i: int) -> Any:
    from onestop.dossiers.services import dossier_intake_at_counter

    filing = city.filing(name=f"Người nộp {i}", phone=f"09{i:08d}")
    return dossier_intake_at_counter(officer=city.officer, filing=filing, at=at)


def run(n: int = 2000, threads: int = 4, log: Any = print) -> ReceiptResult:
    from onestop.core.audit import audit_verify
    from onestop.dossiers.models import Channel, Dossier, Status

    city = load_or_make_city()
    warm = 20

    # Sequential, on a fresh day (the warm-up fills the calendar cache and the plan cache).
    day1 = fresh_day(city)
    at1 = vn(day1.year, day1.month, day1.day, 9)
    for i in range(warm):
        _intake(city, at1, i)
    with CaptureQueriesContext(connection) as ctx:
        _intake(city, at1, warm)
    queries = len(ctx.captured_queries)
    server0 = backend_cpu_seconds()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    for i in range(n):
        _intake(city, at1, warm + 1 + i)
    wall = time.perf_counter() - t0
    client_cpu = time.process_time() - cpu0
    server1 = backend_cpu_seconds()
    server_cpu = None if server0 is None or server1 is None else server1 - server0
    seq_rate = n / wall
    check_consecutive(city, day1, warm + 1 + n)
    log(f"  receipt: sequential {seq_rate:,.0f} dossiers/s ({queries} queries each; per intake "
        f"{wall * 1000 / n:.1f} ms wall, {client_cpu * 1000 / n:.1f} ms Python CPU, "
        f"{(server_cpu or 0) * 1000 / n:.1f} ms PostgreSQL CPU)")

    # Concurrent: `threads` threads, each with its own connection, on the next fresh day.
    day2 = fresh_day(city)
    at2 = vn(day2.year, day2.month, day2.day, 9)
    per_thread = n // threads
    barrier = threading.Barrier(threads + 1)
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                _intake(city, at2, k * per_thread + i)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in pool:
        t.join()
    conc_rate = per_thread * threads / (time.perf_counter() - t0)
    if errors:
        raise RuntimeError(f"{len(errors)} concurrent intakes failed: {errors[0]!r}")
    check_consecutive(city, day2, per_thread * threads)
    total = per_thread * threads
    log(f"  receipt: {threads} threads {conc_rate:,.0f} dossiers/s, codes 0001..{total:04d}")

    # Baseline: bare INSERTs of the same dossier, no service (removed afterwards).
    bare_ids: list[int] = []
    t0 = time.perf_counter()
    for i in range(n):
        d = Dossier.objects.create(
            procedure_version=city.version, receiving_agency=city.centre,
            handling_agency=city.justice, status=Status.RECEIVED, channel=Channel.COUNTER,
            applicant_name=f"Người nộp {i}", applicant_phone=f"09{i:08d}", submitted_at=at1,
        )
        bare_ids.append(d.pk)
    bare_rate = n / (time.perf_counter() - t0)
    Dossier.objects.filter(pk__in=bare_ids).delete()
    log(f"  receipt: bare Dossier.objects.create {bare_rate:,.0f}/s")

    verdict = audit_verify()
    return ReceiptResult(
        n=n, threads=threads, sequential_per_s=round(seq_rate, 1),
        wall_ms_per_intake=round(wall * 1000 / n, 2),
        client_cpu_ms_per_intake=round(client_cpu * 1000 / n, 2),
        server_cpu_ms_per_intake=None if server_cpu is None else round(server_cpu * 1000 / n, 2),
        concurrent_per_s=round(conc_rate, 1), bare_create_per_s=round(bare_rate, 1),
        queries_per_intake=queries, codes_consecutive=True, audit_chain_ok=verdict.ok,
    )
