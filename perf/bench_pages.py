"""Staff queue page and dossier page on the generated million: query counts and latency.

In-process with Django's test Client (no HTTP server: what is measured is the view, its
queries and its template). For every case: one warm-up request, one request under
CaptureQueriesContext (the query count), then up to `n` timed requests (median and p95),
bounded by `max_seconds` per case so a slow page cannot stall the whole run.

The claim checked: the queue runs the same number of queries for a full page of 50 rows,
a deep page and a short page, and the dossier page the same number for dossiers with and
without history, documents or supplement requests.
"""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from .generate import CENTRE, DEPARTMENTS, SAMPLE_EVERY

_DOSSIER_LINK = re.compile(r'href="/backoffice/dossiers/(\d+)/"')


@dataclass
class PageCase:
    name: str
    url: str
    user: str
    status: int = 0
    rows: int | None = None
    queries: int = 0
    samples: int = 0
    median_ms: float = 0.0
    p95_ms: float = 0.0
    slowest_sql_ms: float = 0.0
    slowest_sql: str = ""


@dataclass
class PagesResult:
    available: bool
    reason: str = ""
    queue: list[PageCase] = field(default_factory=list)
    dossier: list[PageCase] = field(default_factory=list)
    queue_queries_constant: bool | None = None
    dossier_queries_constant: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def measure(client: Client, case: PageCase, *, n: int, max_seconds: float) -> PageCase:
    client.get(case.url)  # warm-up: template loading, plan caches, the user's session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(case.url)
    case.status = response.status_code
    case.queries = len(ctx.captured_queries)
    if ctx.captured_queries:
        slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
        case.slowest_sql_ms = round(float(slowest["time"]) * 1000, 1)
        case.slowest_sql = slowest["sql"][:300]
    if "/dossiers/" not in case.url:
        case.rows = len(set(_DOSSIER_LINK.findall(response.content.decode())))
    times: list[float] = []
    deadline = time.perf_counter() + max_seconds
    while len(times) < n and (len(times) < 5 or time.perf_counter() < deadline):
        t0 = time.perf_counter()
        client.get(case.url)
        times.append((time.perf_counter() - t0) * 1000)
    case.samples = len(times)
    case.median_ms = round(statistics.median(times), 1)
    case.p95_ms = round(_percentile(times, 0.95), 1)
    return case


def _client_for(username: str) -> Client:
    from onestop.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _pick_dossiers(*, receiving_id: int) -> dict[str, int]:
    """Dossiers of one centre with different amounts of related rows."""
    from onestop.core.models import AuditEvent
    from onestop.dossiers.models import Dossier, DossierDocument, Status

    base = Dossier.objects.filter(receiving_agency_id=receiving_id)
    with_history = (
        DossierDocument.objects.filter(dossier__receiving_agency_id=receiving_id,
                                       dossier__status=Status.RETURNED)
        .order_by("dossier_id").values_list("dossier_id", flat=True).first()
    )
    events = set(AuditEvent.objects.filter(object_type="dossier").values_list(
        "object_id", flat=True)[: 5 * SAMPLE_EVERY])
    picks = {
        "returned, 3 audit events, 2 documents": with_history,
        "returned, no history": base.filter(status=Status.RETURNED).exclude(
            pk__in=[int(x) for x in events]).order_by("pk").values_list("pk", flat=True).first(),
        "in process, current step": base.filter(status=Status.IN_PROCESS).order_by("-pk")
        .values_list("pk", flat=True).first(),
        "supplement requested": base.filter(status=Status.SUPPLEMENT).order_by("-pk")
        .values_list("pk", flat=True).first(),
        "submitted online, no steps": base.filter(status=Status.SUBMITTED).order_by("-pk")
        .values_list("pk", flat=True).first(),
    }
    return {k: v for k, v in picks.items() if v is not None}


def run(*, n: int = 50, max_seconds: float = 20.0, log: Any = print) -> PagesResult:
    from onestop.agencies.models import Agency
    from onestop.dossiers.models import Dossier

    try:
        queue_url = reverse("backoffice:home")
        reverse("backoffice:dossier", args=[1])
    except NoReverseMatch as exc:
        return PagesResult(available=False, reason=f"back office URLs missing: {exc}")

    centre = Agency.objects.get(code=CENTRE[0])
    officer = f"perf-{CENTRE[0]}-officer"
    # The busiest department (most dossiers) and the quietest one.
    dept_codes = [d[0] for d in DEPARTMENTS]
    by_load = sorted(
        Agency.objects.filter(code__in=dept_codes),
        key=lambda a: Dossier.objects.filter(handling_agency=a).count(), reverse=True,
    )
    busy, quiet = by_load[0], by_load[-1]
    busy_spec = f"perf-{busy.code}-specialist"
    quiet_spec = f"perf-{quiet.code}-specialist"

    result = PagesResult(available=True)
    queue_cases = [
        ("officer, mine, page 1", officer, "?tab=mine"),
        ("officer, agency, page 1", officer, "?tab=agency"),
        ("officer, agency, page 2", officer, "?tab=agency&page=2"),
        ("officer, agency, page 1000", officer, "?tab=agency&page=1000"),
        ("specialist busiest dept, mine, page 1", busy_spec, "?tab=mine"),
        ("specialist busiest dept, agency, page 1", busy_spec, "?tab=agency"),
        ("specialist busiest dept, due soon, page 1", busy_spec, "?tab=due_soon"),
        ("specialist busiest dept, overdue, page 1", busy_spec, "?tab=overdue"),
        ("specialist quietest dept, due soon (short page)", quiet_spec, "?tab=due_soon"),
        ("specialist busiest dept, agency, last page", busy_spec, "?tab=agency&page=last"),
    ]
    clients: dict[str, Client] = {}
    for name, user, query in queue_cases:
        client = clients.setdefault(user, _client_for(user))
        case = measure(client, PageCase(name=name, url=queue_url + query, user=user),
                       n=n, max_seconds=max_seconds)
        log(f"  queue: {name}: {case.status}, {case.rows} rows, {case.queries} queries, "
            f"median {case.median_ms} ms, p95 {case.p95_ms} ms ({case.samples} requests)")
        result.queue.append(case)

    for name, pk in _pick_dossiers(receiving_id=centre.id).items():
        client = clients.setdefault(officer, _client_for(officer))
        url = reverse("backoffice:dossier", args=[pk])
        case = measure(client, PageCase(name=f"{name} (#{pk})", url=url, user=officer),
                       n=n, max_seconds=max_seconds)
        log(f"  dossier: {case.name}: {case.status}, {case.queries} queries, "
            f"median {case.median_ms} ms, p95 {case.p95_ms} ms ({case.samples} requests)")
        result.dossier.append(case)

    # An empty page skips the query that loads its rows' related data, so the claim is
    # about pages that show rows (a full page of 50 and a short one).
    ok_queue = [c for c in result.queue if c.status == 200 and c.rows]
    ok_dossier = [c for c in result.dossier if c.status == 200]
    result.queue_queries_constant = len({c.queries for c in ok_queue}) == 1 if ok_queue else None
    result.dossier_queries_constant = (
        len({c.queries for c in ok_dossier}) == 1 if ok_dossier else None
    )
    return result
