"""Benchmark the national portal sync (docs/national.md) against the STAND-IN over HTTP.

Run: ``.venv/bin/python perf/bench_national.py [--dossiers 300] [--latency 30] [--backlog 200]``.

In this process, on a throw-away SQLite database (the real dossier services write the
outbox rows; the real client sends them to the stand-in on a loopback port):

1. Throughput: --dossiers received dossiers (one outbox row each) sent by `sync_run`,
   dossiers per second, against a baseline measured in the same run: the same number of
   bare adapter round trips (TraCuuHoSo + DongBoHoSoMC + CapNhatTienDoHoSoMC, what one row
   costs on the wire) without the outbox. The ratio says what the outbox adds.
2. Latency: --latency times, one status change committed, then one sweep: wall time from
   the commit to the row's `sent_at`, p50 / p95. (In production the worker's sweep adds up
   to ONESTOP_NATIONAL_INTERVAL seconds of waiting on top; that is a setting, not measured.)
3. Backlog: the stand-in stopped, --backlog dossiers × 3 changes written and tried (every
   try fails, nothing reported sent), the stand-in started again on the same port, the
   backlog drained: rows sent, lost, duplicated, and whether every dossier's steps arrived
   in order (the aim: 0, 0, yes). "Down for a while" is compressed to the sweeps made while
   it is down; the back-off clock is moved, not waited for.

Traffic only to 127.0.0.1; every loop is bounded. Prints JSON, writes
perf/results/national-latest.json; exits 1 if anything was lost, duplicated or out of order.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
os.environ["DATABASE_URL"] = "sqlite://:memory:"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]


def main() -> int:  # noqa: PLR0915 - one linear script
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=300)
    parser.add_argument("--latency", type=int, default=30)
    parser.add_argument("--backlog", type=int, default=200)
    args = parser.parse_args()

    # Each failed try while the stand-in is down logs a warning: hundreds of lines.
    logging.disable(logging.WARNING)
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)

    from onestop.dossiers import services as svc
    from onestop.dossiers.models import Dossier
    from onestop.national.client import AdapterClient, Config
    from onestop.national.models import ProcedureMapping, SyncItem
    from onestop.national.services import records_for, sync_run
    from onestop.national.standin import PASSWORD, USERNAME, StandIn
    from onestop.testing import make_city, vn

    standin = StandIn().start()
    config = Config(url=standin.url, auth_path=standin.auth_path, call_path=standin.call_path,
                    username=USERNAME, password=PASSWORD, unit_code="000.00.00.H13",
                    dstcode="VN:GOV:G22:DVCQG", token_ttl=1800, timeout=5)
    settings.ONESTOP_NATIONAL_SYNC = True
    settings.ONESTOP_SIGNATURE_REQUIRED = False
    settings.ONESTOP_NATIONAL_RETRY_BASE = 1
    settings.ONESTOP_NATIONAL_RETRY_MAX = 4
    city = make_city()
    ProcedureMapping.objects.create(procedure=city.version.procedure, national_code="1.001193",
                                    field_code="G13-TP01")
    client = AdapterClient(config)
    later = timezone.now() + datetime.timedelta(days=1)

    def receive(n: int, name: str) -> Dossier:
        return svc.dossier_intake_at_counter(
            officer=city.officer, filing=city.filing(name=f"{name} {n}"),
            at=vn(2026, 3, 2 + n % 3, 8))

    results: dict[str, object] = {}
    try:
        # 1. Throughput, and the bare round trips as the baseline.
        for n in range(args.dossiers):
            receive(n, "Người nộp")
        started = time.perf_counter()
        counts = sync_run(client=client)
        outbox_s = time.perf_counter() - started
        item = SyncItem.objects.filter(state="sent").first()
        assert item is not None
        built = records_for(item)
        assert built is not None
        record, step = built
        started = time.perf_counter()
        for _n in range(args.dossiers):
            client.call("TraCuuHoSo", data=[{"MaHoSo": record["MaHoSo"]}])
            client.call("DongBoHoSoMC", data=[record], isUpdating="true")
            client.call("CapNhatTienDoHoSoMC", data=[step])
        bare_s = time.perf_counter() - started
        results["throughput"] = {
            "dossiers": args.dossiers, "sent": counts.get("sent", 0),
            "outbox_dossiers_per_s": round(args.dossiers / outbox_s, 1),
            "bare_round_trips_dossiers_per_s": round(args.dossiers / bare_s, 1),
            "outbox_vs_bare": round(bare_s / outbox_s, 3),
        }

        # 2. Change → sync latency, one change at a time.
        latencies = []
        for n in range(args.latency):
            d = receive(n, "Độ trễ")
            committed = timezone.now()
            sync_run(client=client)
            sent = SyncItem.objects.get(dossier=d).sent_at
            assert sent is not None
            latencies.append((sent - committed).total_seconds() * 1000)
        results["latency_ms"] = {"changes": args.latency,
                                 "p50": round(statistics.median(latencies), 2),
                                 "p95": round(_quantile(latencies, 0.95), 2)}

        # 3. The stand-in down, a backlog written, back up, drained.
        port = standin.port
        standin.stop()
        # A fresh client: the stand-in's handler threads keep serving connections already
        # open (http.server's shutdown only stops accepting), which a real outage would not.
        client = AdapterClient(config)
        before = len(standin.state.progress)
        backlog = []
        for n in range(args.backlog):
            d = receive(n, "Tồn đọng")
            svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=d.received_at)
            svc.dossier_request_supplement(dossier_id=d.pk, actor=city.specialist,
                                           reason="Thiếu giấy tờ", items="Giấy tờ tùy thân",
                                           at=d.received_at)
            backlog.append(Dossier.objects.get(pk=d.pk).code)
        rows = 3 * args.backlog
        started = time.perf_counter()
        down = sync_run(client=client)
        down_s = time.perf_counter() - started
        sent_while_down = SyncItem.objects.filter(dossier__code__in=backlog,
                                                  state="sent").count()
        standin.port = port
        standin.start()
        started = time.perf_counter()
        drained = sync_run(client=client, now=later)
        drain_s = time.perf_counter() - started
        got = standin.state.progress[before:]
        pairs = [(r["MaHoSo"], r["TrangThai"]) for r in got]
        in_order = all([s for c, s in pairs if c == code] == ["2", "4", "5"] for code in backlog)
        distinct = {(r["MaHoSo"], r["TrangThai"], r["ThoiDiemXuLy"]) for r in got}
        results["backlog"] = {
            "dossiers": args.backlog, "rows": rows, "tries_while_down": down,
            "reported_sent_while_down": sent_while_down,
            "seconds_trying_while_down": round(down_s, 2),
            "drained": drained, "drain_seconds": round(drain_s, 2),
            "drain_rows_per_s": round(rows / drain_s, 1) if drain_s else None,
            "received_by_standin": len(got), "lost": rows - len(distinct),
            "duplicated": len(got) - len(distinct), "in_order_per_dossier": in_order,
            "still_pending": SyncItem.objects.exclude(state="sent").count(),
        }
    finally:
        standin.stop()
    results["load_average"] = os.getloadavg()
    results["at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    out = ROOT / "perf" / "results"
    out.mkdir(exist_ok=True)
    (out / "national-latest.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2, ensure_ascii=False))
    b = results["backlog"]
    assert isinstance(b, dict)
    ok = (b["lost"] == 0 and b["duplicated"] == 0 and b["in_order_per_dossier"]
          and b["reported_sent_while_down"] == 0 and b["still_pending"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
