"""Scorecard on the perf million: the city dashboard from the roll-ups against the same
figures computed directly from the raw records, in the same run.

    .venv/bin/python -m perf.bench_scorecard [--rebuild] [--repeat 10]

Uses the perf database (perf/settings_perf.py). Steps: migrate; rebuild the roll-ups when
they are empty (or with --rebuild; the generator writes rows around the services, so only a
rebuild sees them); catch up with the audit log; then, for the generated year:
`counts.from_rollups` (median of --repeat) against `counts.direct` (once: it reads every
dossier of the year), checked equal; the dashboard page /backoffice/scorecard/ and the
busiest unit's page in-process (median, p95, query count). Writes
perf/results/scorecard-latest.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from perf.database import configure, migrate

RESULTS = Path(__file__).resolve().parent / "results"


def _timed(fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return (time.perf_counter() - started) * 1000, value


def _page(client: Any, url: str, n: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            ms, response = _timed(lambda: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        times.append(ms)
        queries = len(ctx)
    times.sort()
    return {"url": url, "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
            "queries": queries, "n": n}


def run(*, rebuild: bool, repeat: int) -> dict[str, Any]:
    configure()
    migrate()
    from django.db.models import Count, Max, Min
    from django.test import Client
    from django.utils import timezone

    from onestop.accounts.models import User
    from onestop.dossiers.models import Dossier
    from onestop.scorecard import rollups
    from onestop.scorecard.counts import describe, direct, from_rollups
    from onestop.scorecard.models import DailyRollup, DossierFact

    out: dict[str, Any] = {"dossiers": Dossier.objects.count()}
    if rebuild or not DailyRollup.objects.exists():
        ms, result = _timed(rollups.rebuild)
        out["rebuild"] = {"seconds": round(ms / 1000, 1), "dossiers": result.dossiers,
                          "rows": result.rows}
        print(f"rebuild: {ms / 1000:.1f} s for {result.dossiers:,} dossiers, "
              f"{result.rows:,} roll-up rows")
    ms, refreshed = _timed(rollups.refresh)
    out["refresh"] = {"ms": round(ms, 1), "events": refreshed.events}
    span = DossierFact.objects.aggregate(lo=Min("received_on"), hi=Max("received_on"))
    start, end = span["lo"], max(span["hi"], timezone.localdate())
    out["period"] = [str(start), str(end)]
    out["rollup_rows"] = DailyRollup.objects.filter(day__gte=start, day__lte=end).count()
    print(f"period {start}..{end}: {out['rollup_rows']:,} roll-up rows, "
          f"{DossierFact.objects.count():,} facts")

    times = []
    for _ in range(repeat):
        ms, from_rows = _timed(lambda: from_rollups(None, start, end))
        times.append(ms)
    direct_ms, raw = _timed(lambda: direct(None, start, end))
    same = describe(from_rows) == describe(raw)
    out["figures"] = {"rollups_median_ms": round(statistics.median(times), 1),
                      "direct_ms": round(direct_ms, 1),
                      "ratio": round(direct_ms / statistics.median(times), 1), "equal": same,
                      "finished": raw.finished, "received": raw.received}
    print(f"city figures: roll-ups {statistics.median(times):.1f} ms (median of {repeat}), "
          f"direct {direct_ms / 1000:.1f} s: {direct_ms / statistics.median(times):.0f}× "
          f"— equal: {same}")

    boss, _ = User.objects.get_or_create(username="perf-scorecard",
                                         defaults={"full_name": "Perf scorecard",
                                                   "is_superuser": True, "is_staff": True})
    client = Client()
    client.force_login(boss)
    query = f"?start={start}&end={end}"
    out["dashboard"] = _page(client, f"/backoffice/scorecard/{query}", repeat)
    busiest = (Dossier.objects.values("handling_agency_id").annotate(n=Count("pk"))
               .order_by("-n").first())
    assert busiest is not None
    out["unit_page"] = _page(
        client, f"/backoffice/scorecard/u/{busiest['handling_agency_id']}/{query}", repeat)
    out["public_page"] = _page(Client(), f"/minh-bach/?year={end.year}", repeat)
    for key in ("dashboard", "unit_page", "public_page"):
        p = out[key]
        print(f"{key}: median {p['median_ms']} ms, p95 {p['p95_ms']} ms, "
              f"{p['queries']} queries")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scorecard-latest.json").write_text(json.dumps(out, indent=2, default=str))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="rebuild the roll-ups first")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    run(rebuild=args.rebuild, repeat=max(1, args.repeat))


if __name__ == "__main__":
    main()
