"""Settled notifications per second through the webhook endpoint, then the replay.

    .venv/bin/python -m perf.bench_webhooks [--payments 1000] [--workers 4] [--connections 8]

On PostgreSQL (database onestop_perf, see perf/README.md): N payments of dossiers waiting in
status 6 are set up directly (setup only, not measured). The stream is one signed bank
notification per payment, one duplicate of each and a forged one per 20, shuffled. gunicorn
(the project's WSGI app under perf.settings_perf) listens on a free 127.0.0.1 port; a Python
keep-alive load generator (`--connections` threads) POSTs the stream to /payments/webhooks/
vietqr/ and the clock runs from the first request to the last answer. Then the SAME stream is
replayed: every answer must be a duplicate (or 401 for the forged ones) and the database must
show each payment settled once (one receipt, one settle audit event, one dossier move, the
audit chain valid). Traffic goes to 127.0.0.1 only; the run is bounded by --max-seconds.

Exit status 0 when every check holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # never anything else
PATH = "/payments/webhooks/vietqr/"
SECRET = "perf-bank-secret"  # shared with the server through its environment
AGENCY_CODE = "000.00.98.H98"  # the benchmark's own centre, apart from the million


@dataclass
class Pass:
    seconds: float = 0.0
    requests: int = 0
    per_second: float = 0.0
    settled_per_second: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    errors: int = 0


@dataclass
class WebhookResult:
    payments: int
    notifications: int
    workers: int
    connections: int
    first: Pass = field(default_factory=Pass)
    replay: Pass = field(default_factory=Pass)
    settled_once: bool = False
    audit_ok: bool = False
    problems: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def setup(n: int) -> list[tuple[str, int, int]]:
    """N dossiers in status 6, each with one open fee item and a pending payment."""
    import datetime
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from onestop.agencies.models import Agency
    from onestop.catalog.models import Field, Procedure, ProcedureVersion
    from onestop.dossiers.models import Dossier, DossierFeeItem, DossierPayment, Status
    from onestop.payments.models import FeeItem, Payment, PaymentLine
    from onestop.payments.services import new_reference

    now = timezone.now()
    stamp = f"{now:%H%M%S}"
    with transaction.atomic():
        centre, _ = Agency.objects.get_or_create(
            code=AGENCY_CODE, defaults={"name": "Trung tâm (benchmark thanh toán)",
                                        "kind": Agency.Kind.SERVICE_CENTRE})
        fld, _ = Field.objects.get_or_create(code="perf-payments",
                                             defaults={"name": "Benchmark"})
        procedure, _ = Procedure.objects.get_or_create(code="9.999998")
        version, _ = ProcedureVersion.objects.get_or_create(
            procedure=procedure, number=1, defaults={
                "state": "published", "valid_from": datetime.date(2024, 1, 1),
                "name": "Benchmark thanh toán", "field": fld, "processing_days": Decimal("3"),
                "result_type": "-", "payment_timing": "before_processing"})
        dossiers = Dossier.objects.bulk_create([
            Dossier(code=f"{AGENCY_CODE}-P{stamp}-{i:05d}", procedure_version=version,
                    receiving_agency=centre, handling_agency=centre,
                    status=Status.AWAITING_PAYMENT, channel=2, applicant_name=f"Người nộp {i}",
                    received_at=now, appointment_at=now + datetime.timedelta(days=3),
                    original_appointment_at=now + datetime.timedelta(days=3))
            for i in range(n)])
        items = FeeItem.objects.bulk_create([
            FeeItem(agency=centre, name="Lệ phí", unit_amount=8000 + i,
                    amount=8000 + i) for i, _d in enumerate(dossiers)])
        payments = Payment.objects.bulk_create([
            Payment(reference=new_reference(), agency=centre, amount=item.amount,
                    purpose=f"Le phi {d.code}", provider="vietqr", creator_key="perf",
                    expires_at=now + datetime.timedelta(days=1))
            for d, item in zip(dossiers, items, strict=True)])
        PaymentLine.objects.bulk_create([
            PaymentLine(payment=p, item=item, amount=item.amount)
            for p, item in zip(payments, items, strict=True)])
        # The dossier's links (payments knows nothing of dossiers).
        DossierFeeItem.objects.bulk_create([
            DossierFeeItem(dossier=d, item=item) for d, item in zip(dossiers, items, strict=True)])
        DossierPayment.objects.bulk_create([
            DossierPayment(dossier=d, payment=p) for d, p in zip(dossiers, payments, strict=True)])
    return [(p.reference, p.amount, d.pk) for p, d in zip(payments, dossiers, strict=True)]


def stream(payments: list[tuple[str, int, int]], seed: int = 4) -> list[tuple[bytes, str]]:
    from onestop.payments.providers.vietqr import sign

    rng = random.Random(seed)
    out: list[tuple[bytes, str]] = []
    for i, (reference, amount, _dossier) in enumerate(payments):
        body = json.dumps({"transaction_id": f"PERF{reference}", "amount": amount,
                           "reference": reference}).encode()
        signature = sign(body, key=SECRET.encode())
        out += [(body, signature), (body, signature)]
        if i % 20 == 0:
            out.append((body, sign(body, key=b"forger")))
    rng.shuffle(out)
    return out


def load(port: int, requests: list[tuple[bytes, str]], *, connections: int,
         max_seconds: float) -> Pass:
    todo: queue.Queue[tuple[bytes, str]] = queue.Queue()
    for item in requests:
        todo.put(item)
    statuses: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + max_seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            while time.perf_counter() < deadline:
                try:
                    body, signature = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    conn.request("POST", PATH, body=body, headers={
                        "Content-Type": "application/json", "X-Signature": signature})
                    response = conn.getresponse()
                    data = response.read()
                    outcome = json.loads(data).get("outcome", "refused") if data else ""
                    with lock:
                        statuses[str(response.status)] += 1
                        outcomes[outcome] += 1
                except (OSError, http.client.HTTPException, ValueError):
                    with lock:
                        errors[0] += 1
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=30)
        finally:
            conn.close()

    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(connections)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - t0
    done = sum(statuses.values())
    return Pass(seconds=round(elapsed, 2), requests=done,
                per_second=round(done / elapsed, 1) if elapsed else 0.0,
                settled_per_second=round(outcomes["settled"] / elapsed, 1) if elapsed else 0.0,
                statuses=dict(statuses), outcomes=dict(outcomes), errors=errors[0])


def _wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/perf/bare/")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def check(result: WebhookResult, payments: list[tuple[str, int, int]]) -> None:
    from django.db.models import Count

    from onestop.core.audit import audit_verify
    from onestop.core.models import AuditEvent
    from onestop.dossiers.models import Dossier, Status
    from onestop.payments.models import Payment, Receipt

    references = [p[0] for p in payments]
    dossier_ids = [str(p[2]) for p in payments]
    settled = Payment.objects.filter(reference__in=references, state="succeeded").count()
    receipts = Receipt.objects.filter(payment__reference__in=references).count()
    settles = (AuditEvent.objects.filter(action="payment.settle", object_id__in=references)
               .values("object_id").annotate(n=Count("id")))
    moves = (AuditEvent.objects.filter(action="dossier.payment_received",
                                       object_id__in=dossier_ids)
             .values("object_id").annotate(n=Count("id")))
    in_process = Dossier.objects.filter(pk__in=[p[2] for p in payments],
                                        status=Status.IN_PROCESS).count()
    n = len(payments)
    result.settled_once = (settled == receipts == n == in_process
                           and len(settles) == n and all(r["n"] == 1 for r in settles)
                           and len(moves) == n and all(r["n"] == 1 for r in moves))
    if not result.settled_once:
        result.problems.append(f"settled {settled}, receipts {receipts}, dossiers moved "
                               f"{in_process} of {n}")
    if result.first.outcomes.get("settled", 0) != n:
        result.problems.append(f"first pass settled {result.first.outcomes.get('settled')}")
    if set(result.replay.outcomes) - {"duplicate", "refused"}:
        result.problems.append(f"replay outcomes {result.replay.outcomes}")
    if result.first.errors or result.replay.errors:
        result.problems.append("transport errors")
    result.audit_ok = audit_verify().ok
    if not result.audit_ok:
        result.problems.append("audit chain broken")


def run(*, payments: int = 1000, workers: int = 4, connections: int = 8,
        max_seconds: float = 240.0, log: Any = print) -> WebhookResult:
    from django.db import connection

    batch = setup(payments)
    requests = stream(batch)
    result = WebhookResult(payments=payments, notifications=len(requests), workers=workers,
                           connections=connections)
    connection.close()
    port = free_port()
    env = {**os.environ, "ONESTOP_VIETQR_WEBHOOK_SECRET": SECRET,
           "ONESTOP_PAYMENT_SANDBOX": "0"}
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "perf.wsgi_perf:application",
         "--bind", f"{HOST}:{port}", "--workers", str(workers), "--log-level", "warning",
         "--chdir", str(ROOT)], cwd=ROOT, env=env)
    try:
        _wait_ready(port, proc)
        result.first = load(port, requests, connections=connections, max_seconds=max_seconds)
        log(f"  webhooks: {result.first.requests} notifications in {result.first.seconds} s, "
            f"{result.first.settled_per_second:,.1f} settled/s "
            f"({result.first.per_second:,.1f} notifications/s)")
        result.replay = load(port, requests, connections=connections, max_seconds=max_seconds)
        log(f"  replay: {result.replay.requests} in {result.replay.seconds} s, "
            f"outcomes {result.replay.outcomes}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    check(result, batch)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--payments", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=240.0)
    args = parser.parse_args(argv)
    os.environ["ONESTOP_VIETQR_WEBHOOK_SECRET"] = SECRET
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from perf.database import configure, ensure_database, migrate

    configure()
    ensure_database()
    migrate()
    result = run(payments=args.payments, workers=args.workers, connections=args.connections,
                 max_seconds=args.max_seconds)
    print(json.dumps(asdict(result), indent=2))
    results = ROOT / "perf" / "results"
    results.mkdir(exist_ok=True)
    (results / "webhooks-latest.json").write_text(json.dumps(asdict(result), indent=2))
    return 0 if not result.problems else 1


if __name__ == "__main__":
    sys.exit(main())
