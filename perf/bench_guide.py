"""City guide (issue 20, "Measured"): nearby and text search latency with 10,000 places, and
traffic reports ingested per second.

    .venv/bin/python -m perf.bench_guide [--places 10000] [--reports 300] [--repeat 30]

Uses the perf database (perf/settings_perf.py; ONESTOP_PERF_DATABASE_URL picks another, e.g.
postgres://postgres@127.0.0.1:5432/onestop_perf_guide so as not to migrate the shared one).
Steps: migrate; a perf tourism office account, a report source with its key and 20 road
segments, created once; top the published places up to --places with bulk inserts (the rows
place_create writes, folded search columns included; no audit events), spread over the city
centre's 30 × 30 km; then, in-process through the Django test client (no HTTP server, so the
figures are the application's):

- GET /api/v1/places?q=… for four queries (a common word, a rare one, two words, no
  accents): median, p95, query count;
- GET /api/v1/places?near=LAT,LON&radius_m=N for 1 km and 5 km around Bến Ninh Kiều;
- POST /api/v1/traffic/reports, --reports times round the segments: reports per second (each
  one transaction: the segment locked, the report appended, the pointer moved).

Checks: every nearby answer sorted by distance within its radius; every text answer
non-empty; the reports all stored (201) and each segment's pointer on its newest report.
Writes perf/results/guide-latest.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import statistics
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from perf.database import configure, ensure_database, migrate

RESULTS = Path(__file__).resolve().parent / "results"
CENTRE = (Decimal("10.034100"), Decimal("105.788000"))
WORDS = ["Quán", "Nhà hàng", "Khách sạn", "Chợ", "Chùa", "Vườn", "Cà phê", "Bến", "Nhà nghỉ",
         "Công viên", "Bảo tàng", "Tiệm", "Homestay", "Lẩu", "Bánh xèo", "Hủ tiếu", "Cơm tấm"]
NAMES = ["Ninh Kiều", "Cái Răng", "Sông Hậu", "Bình Thủy", "Phong Điền", "Tây Đô", "Hậu Giang",
         "Mekong", "Hoa Sứ", "Phù Sa", "Mái Dầm", "Cồn Sơn", "Long Tuyền", "An Bình", "Tân An"]
CATEGORIES = ["destination", "food", "hotel", "entertainment", "service"]
COMMUNES = ["31135", "31120", "31147", "31150", "31168", "31186", "31201", "31299"]


def _world() -> tuple[Any, str, list[str]]:
    from onestop.accounts.models import User
    from onestop.agencies.models import Agency, Role
    from onestop.agencies.services import staff_role_grant
    from onestop.guide.models import RoadSegment, TrafficApiKey, TrafficSource
    from onestop.guide.services.traffic import (
        segment_create,
        traffic_key_create,
        traffic_source_create,
    )

    office, _ = Agency.objects.get_or_create(code="000.00.92.H99", defaults={
        "name": "Sở Văn hóa, Thể thao và Du lịch (perf)", "kind": Agency.Kind.DEPARTMENT})
    staff = User.objects.filter(username="perf-guide").first()
    if staff is None:
        staff = User.objects.create_user(username="perf-guide", password="perf-guide-2026",
                                         full_name="Perf guide")
        staff_role_grant(user=staff, agency=office, role=Role.TOURISM)
    source = TrafficSource.objects.filter(code="perf").first()
    if source is None:
        source, key = traffic_source_create(actor=staff, code="perf", name="Perf source")
    else:
        TrafficApiKey.objects.filter(source=source).delete()
        key = traffic_key_create(actor=staff, source_id=source.pk)
    codes = []
    for n in range(20):
        code = f"perf-{n:02d}"
        if not RoadSegment.objects.filter(code=code).exists():
            lon = 105.76 + n * 0.002
            segment_create(actor=staff, code=code, name=f"Đường perf {n}", from_name="A",
                           to_name="B", geometry={"type": "LineString", "coordinates": [
                               [lon, 10.02], [lon + 0.001, 10.03]]})
        codes.append(code)
    return staff, key, codes


KNOWN = ("Quán Bánh xèo Mekong", "Cà phê Ninh Kiều 77")


def _top_up(target: int) -> dict[str, Any]:
    from django.utils import timezone

    from onestop.core.text import fold
    from onestop.guide.models import Place, PublishState

    have = Place.objects.filter(state=PublishState.PUBLISHED).count()
    rng = random.Random(20)
    started = time.perf_counter()
    now = timezone.now()
    rows: list[Place] = []
    for n in range(have, target):
        name = f"{rng.choice(WORDS)} {rng.choice(NAMES)} {n}"
        if n < len(KNOWN):
            # The searches below look for these: present at any size, so a small run
            # (perf/smoke, 200 places) checks the search as the million-size one does.
            name = KNOWN[n]
        lat = CENTRE[0] + Decimal(rng.randint(-135_000, 135_000)) / Decimal(1_000_000)
        lon = CENTRE[1] + Decimal(rng.randint(-135_000, 135_000)) / Decimal(1_000_000)
        address = f"Số {n % 500 + 1}, Đường {rng.choice(NAMES)}"
        rows.append(Place(name=name, category=CATEGORIES[n % 5], commune_id=COMMUNES[n % 8],
                          address=address, lat=lat, lon=lon, state=PublishState.PUBLISHED,
                          published_at=now, search_name=fold(name),
                          search_text=fold(address), is_demo=True))
        if len(rows) == 5000:
            Place.objects.bulk_create(rows)
            rows = []
    if rows:
        Place.objects.bulk_create(rows)
    return {"had": have, "now": Place.objects.filter(state=PublishState.PUBLISHED).count(),
            "seconds": round(time.perf_counter() - started, 1)}


def _get(client: Any, url: str, params: dict[str, Any], n: int) -> tuple[dict[str, Any], Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, body = [], 0, None
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        queries, body = len(ctx), response.json()
    times.sort()
    return ({"params": params, "median_ms": round(statistics.median(times), 1),
             "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
             "queries": queries, "items": len(body["items"]), "n": n}, body)


def run(*, places: int, reports: int, repeat: int) -> dict[str, Any]:
    configure()
    ensure_database()
    migrate()
    from django.test import Client
    from django.utils import timezone

    from onestop.guide.models import RoadSegment, TrafficReport

    _staff, key, codes = _world()
    out: dict[str, Any] = {"top_up": _top_up(places)}
    print(f"published places: {out['top_up']['now']:,} (added in {out['top_up']['seconds']} s)")
    client = Client()
    checks: dict[str, bool] = {}
    out["text"] = []
    for q in ("quan", "Bánh xèo Mekong", "hu tieu tay do", "Ninh Kiều 77"):
        figures, body = _get(client, "/api/v1/places", {"q": q}, repeat)
        out["text"].append(figures)
        checks[f"text '{q}' finds places"] = figures["items"] > 0
        print(f"q={q!r}: median {figures['median_ms']} ms, p95 {figures['p95_ms']} ms, "
              f"{figures['queries']} queries, {figures['items']} items")
    out["nearby"] = []
    for radius in (1000, 5000):
        figures, body = _get(client, "/api/v1/places", {
            "near": f"{CENTRE[0]},{CENTRE[1]}", "radius_m": radius}, repeat)
        out["nearby"].append(figures)
        distances = [item["distance_m"] for item in body["items"]]
        checks[f"nearby {radius} m sorted within radius"] = (
            distances == sorted(distances) and all(d <= radius for d in distances))
        print(f"near, {radius} m: median {figures['median_ms']} ms, p95 {figures['p95_ms']} ms, "
              f"{figures['queries']} queries, {figures['items']} items (first page)")
    before = TrafficReport.objects.count()
    statuses: set[int] = set()
    started = time.perf_counter()
    base = timezone.now()
    for n in range(reports):
        moment = base - datetime.timedelta(seconds=reports - n)
        r = client.post("/api/v1/traffic/reports", {
            "segment": codes[n % len(codes)], "kind": "congestion",
            "level": ["free", "slow", "congested", "blocked"][n % 4],
            "reported_at": moment.isoformat(),
            "valid_until": (moment + datetime.timedelta(minutes=15)).isoformat()},
            content_type="application/json", HTTP_X_API_KEY=key)
        statuses.add(r.status_code)
    seconds = time.perf_counter() - started
    out["ingest"] = {"reports": reports, "seconds": round(seconds, 2),
                     "reports_per_s": round(reports / seconds, 1)}
    print(f"ingest: {out['ingest']['reports_per_s']} reports/s ({reports} reports)")
    checks["every report stored (201)"] = statuses == {201}
    checks["stored exactly once"] = TrafficReport.objects.count() - before == reports
    newest = all(s.latest_report_id == s.reports.order_by("-reported_at", "-id").first().pk
                 for s in RoadSegment.objects.filter(code__in=codes))
    checks["each pointer on the newest report"] = newest
    out["checks"] = checks
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "guide-latest.json").write_text(json.dumps(out, indent=2, default=str))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--places", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    out = run(places=args.places, reports=max(1, args.reports), repeat=max(1, args.repeat))
    raise SystemExit(0 if all(out["checks"].values()) else 1)


if __name__ == "__main__":
    main()
