"""Community digital teams (issue 12, "Measured"): visits synced per second through the API in
batches of 100 from one phone, and the coverage pages with 100,000 visits in the commune.

    .venv/bin/python -m perf.bench_community [--visits 100000] [--batches 10]

Uses the perf database (perf/settings_perf.py; ONESTOP_PERF_DATABASE_URL picks another, e.g.
one of its own so as not to migrate the shared one). Steps: migrate; a perf team in Phường
Ninh Kiều (a committee, a team, a member with a staff token), created once; top the commune
up to --visits visits with bulk inserts (around the services, like perf/generate.py: the
rows are what the services write, the audit events are not); then, in-process through the
Django test client (no HTTP server, so the figure is the application's):

- POST /api/v1/community/visits/batch with 100 new visits, --batches times: visits stored
  per second (each visit is its own visit_record: one transaction, one audit event);
- the same batches sent again: every answer 200, nothing written (the phone's retry);
- GET /api/v1/community/coverage, /backoffice/community/ and /backoffice/community/c/31135/:
  median, p95, query count.

Checks: every first send answered 201, every resend 200, the count of visits grew by exactly
the batches' size, the audit chain is valid. Writes perf/results/community-latest.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

from perf.database import configure, ensure_database, migrate

RESULTS = Path(__file__).resolve().parent / "results"
COMMUNE = "31135"
PASSWORD = "perf-community-pass-2026"
HAMLETS = [f"Khu vực {n}" for n in range(1, 9)]
KINDS = ["vneid", "vneid_level2", "city_app", "cashless", "online_filing", "question"]


def _world() -> Any:
    from onestop.accounts.models import User
    from onestop.agencies.models import AdministrativeUnit, Agency
    from onestop.community.models import MemberRole, Team, TeamMember
    from onestop.community.services import commune_households_set, team_create, team_member_add

    unit = AdministrativeUnit.objects.get(code=COMMUNE)
    if not Agency.objects.filter(unit=unit, kind=Agency.Kind.COMMUNE_COMMITTEE).exists():
        Agency.objects.create(code="000.00.91.H99", kind=Agency.Kind.COMMUNE_COMMITTEE,
                              unit=unit, name=f"Ủy ban nhân dân {unit.name} (perf)")
    team = Team.objects.filter(commune=unit, hamlet="Khu vực 1").first() or team_create(
        commune=unit, hamlet="Khu vực 1", decision_number="perf")
    member = TeamMember.objects.filter(team=team, user__username="perf-community").first()
    if member is None:
        user = User.objects.create_user(username="perf-community", password=PASSWORD,
                                        full_name="Perf community")
        member = team_member_add(team=team, user=user, role=MemberRole.LEADER)
    commune_households_set(commune=unit, registered=60_000)
    return member


def _top_up(member: Any, target: int) -> dict[str, Any]:
    """Bulk rows for the commune up to `target` visits (the services' columns, no audit)."""
    from django.utils import timezone

    from onestop.community.models import Visit
    from onestop.community.services import household_key

    have = Visit.objects.filter(commune_id=COMMUNE).count()
    started = time.perf_counter()
    now = timezone.now()
    rows: list[Visit] = []
    for n in range(have, target):
        hamlet = HAMLETS[n % len(HAMLETS)]
        household = f"Số {n % 40_000 + 1}, Đường Hai Bà Trưng"
        rows.append(Visit(
            client_id=uuid.uuid4(), team=member.team, member=member, commune_id=COMMUNE,
            hamlet=hamlet, household=household, household_key=household_key(hamlet, household),
            visited_at=now - datetime.timedelta(minutes=n % (60 * 24 * 60)),
            helped=[KINDS[n % 6], KINDS[(n * 7 + 1) % 6]] if n % 3 else [KINDS[n % 6]],
            consent=True, body_hash="perf", is_demo=True))
        if len(rows) == 5000:
            Visit.objects.bulk_create(rows)
            rows = []
    if rows:
        Visit.objects.bulk_create(rows)
    return {"had": have, "now": Visit.objects.filter(commune_id=COMMUNE).count(),
            "seconds": round(time.perf_counter() - started, 1)}


def _batch(size: int) -> list[dict[str, Any]]:
    from django.utils import timezone

    at = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    return [{"client_id": str(uuid.uuid4()), "visited_at": at, "commune_code": COMMUNE,
             "hamlet": HAMLETS[n % len(HAMLETS)], "household": f"Perf {uuid.uuid4().hex[:10]}",
             "helped": [KINDS[n % 6]], "consent": True, "note": ""} for n in range(size)]


def _page(client: Any, url: str, n: int, **headers: str) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url, **headers)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx)
    times.sort()
    return {"url": url, "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
            "queries": queries, "n": n}


def run(*, visits: int, batches: int, repeat: int) -> dict[str, Any]:
    configure()
    ensure_database()
    migrate()
    from django.test import Client

    from onestop.community.models import Visit
    from onestop.core.audit import audit_verify

    member = _world()
    out: dict[str, Any] = {"top_up": _top_up(member, visits)}
    print(f"visits in {COMMUNE}: {out['top_up']['now']:,} "
          f"(added in {out['top_up']['seconds']} s)")

    client = Client()
    r = client.post("/api/v1/auth/staff/token", {"login": "perf-community", "password": PASSWORD},
                    content_type="application/json")
    assert r.status_code == 200, r.content
    auth = {"HTTP_AUTHORIZATION": f"Bearer {r.json()['access_token']}"}
    sent = [_batch(100) for _ in range(batches)]
    before = Visit.objects.count()
    statuses: set[int] = set()
    first: list[float] = []
    for body in sent:
        started = time.perf_counter()
        r = client.post("/api/v1/community/visits/batch", {"visits": body},
                        content_type="application/json", **auth)
        first.append(time.perf_counter() - started)
        assert r.status_code == 200, r.content[:500]
        statuses |= {x["status"] for x in r.json()["results"]}
    again: list[float] = []
    resent: set[int] = set()
    for body in sent:
        started = time.perf_counter()
        r = client.post("/api/v1/community/visits/batch", {"visits": body},
                        content_type="application/json", **auth)
        again.append(time.perf_counter() - started)
        resent |= {x["status"] for x in r.json()["results"]}
    grew = Visit.objects.count() - before
    out["sync"] = {
        "batches": batches, "batch_size": 100,
        "visits_per_s": round(100 / statistics.median(first), 1),
        "batch_median_ms": round(statistics.median(first) * 1000, 1),
        "resend_visits_per_s": round(100 / statistics.median(again), 1),
        "first_statuses": sorted(statuses), "resend_statuses": sorted(resent),
    }
    checks = {"every first send 201": statuses == {201},
              "every resend 200": resent == {200},
              "stored exactly once": grew == 100 * batches,
              "audit chain valid": audit_verify().ok}
    print(f"sync: {out['sync']['visits_per_s']} visits/s (batch of 100, median of {batches}), "
          f"resend {out['sync']['resend_visits_per_s']} visits/s")

    staff = Client()
    staff.force_login(member.user)  # the team leader: follows the commune of the team
    out["coverage_api"] = _page(client, f"/api/v1/community/coverage?commune_code={COMMUNE}",
                                repeat, **auth)
    out["overview_page"] = _page(staff, "/backoffice/community/", repeat)
    out["commune_page"] = _page(staff, f"/backoffice/community/c/{COMMUNE}/", repeat)
    for key in ("coverage_api", "overview_page", "commune_page"):
        p = out[key]
        print(f"{key}: median {p['median_ms']} ms, p95 {p['p95_ms']} ms, {p['queries']} queries")
    out["checks"] = checks
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "community-latest.json").write_text(json.dumps(out, indent=2, default=str))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    out = run(visits=args.visits, batches=max(1, args.batches), repeat=max(1, args.repeat))
    raise SystemExit(0 if all(out["checks"].values()) else 1)


if __name__ == "__main__":
    main()
