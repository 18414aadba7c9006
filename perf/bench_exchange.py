"""Benchmark the document exchange (docs/exchange.md).

Run: ``.venv/bin/python perf/bench_exchange.py [--messages 1000] [--latency 20]``.

1. On one core, in this process: edXML messages (one 20 KB attachment) built + signed per
   second and verified per second, against a baseline measured in the same run (built
   unsigned, parsed without verification).
2. Two real instances (gunicorn + `onestop worker` each, own SQLite database, loopback):
   end-to-end delivery latency of single documents (committed in A's outgoing register →
   entered in B's incoming register), median and 95th percentile.
3. A stream of --messages documents from A to B while B's server is stopped and started
   again mid-stream: how many B registered, lost and duplicated (the aim is 0 and 0).

Sends traffic only to 127.0.0.1; every loop is bounded in count and time. Prints a table and
writes perf/results/exchange-latest.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")

import django  # noqa: E402

django.setup()

from onestop.exchange.edxml import Attachment, Document, Organ, build, parse  # noqa: E402
from onestop.exchange.keys import load_certificates, load_credentials, make_demo_ca  # noqa: E402
from onestop.exchange.signing import sign_message, verify_message  # noqa: E402
from onestop.exchange.testing import Instance, free_port, spec  # noqa: E402

CITY, JUSTICE = "000.00.00.H92", "000.01.00.H92"


def _document(number: int) -> Document:
    return Document(
        sender=Organ(CITY, "Ủy ban nhân dân thành phố Cần Thơ"),
        to=[Organ(JUSTICE, "Sở Tư pháp")], code_number=str(number), code_notation="UBND-VP",
        promulgation_date=datetime.date(2026, 3, 2), subject="Về việc thử nghiệm hiệu năng",
        attachments=[Attachment(name="cv.pdf", content_type="application/pdf",
                                data=os.urandom(20_000))],
    )


def per_second(count: int, work: object) -> float:
    start = time.perf_counter()
    for index in range(count):
        work(index)  # type: ignore[operator]
    return count / (time.perf_counter() - start)


def bench_library(keys: Path, count: int) -> dict[str, float]:
    credentials = load_credentials(keys / f"{CITY}.key.pem", keys / f"{CITY}.cert.pem")
    anchors = load_certificates(keys / "demo-ca.cert.pem")
    documents = [_document(i) for i in range(count)]
    built = [build(d) for d in documents]
    signed = [sign_message(d, credentials) for d in documents[:10]] * (count // 10)
    return {
        "build_per_s": per_second(count, lambda i: build(documents[i])),
        "build_sign_per_s": per_second(count, lambda i: sign_message(documents[i], credentials)),
        "parse_per_s": per_second(count, lambda i: parse(built[i])),
        "verify_per_s": per_second(len(signed),
                                   lambda i: verify_message(signed[i], anchors=anchors)),
    }


def _arrivals(instance: Instance) -> dict[str, float]:
    with sqlite3.connect(instance.root / "onestop.sqlite3", timeout=30) as db:
        rows = db.execute("SELECT document_id, created_at FROM exchange_officialdocument "
                          "WHERE direction = 'in'").fetchall()
    return {doc: datetime.datetime.fromisoformat(at).timestamp() for doc, at in rows}


def _sent(instance: Instance) -> dict[str, float]:
    with sqlite3.connect(instance.root / "onestop.sqlite3", timeout=30) as db:
        rows = db.execute("SELECT document_id, created_at FROM exchange_officialdocument "
                          "WHERE direction = 'out'").fetchall()
    return {doc: datetime.datetime.fromisoformat(at).timestamp() for doc, at in rows}


def wait_for(check: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for deliveries")
        time.sleep(0.5)


def bench_instances(root: Path, keys: Path, *, latency_count: int,
                    stream: int) -> dict[str, object]:
    port_a, port_b = free_port(), free_port()
    a = Instance(root, name="a", keys=keys, port=port_a,
                 peers={JUSTICE: {"url": f"http://127.0.0.1:{port_b}"}})
    b = Instance(root, name="b", keys=keys, port=port_b,
                 peers={CITY: {"url": f"http://127.0.0.1:{port_a}"}})
    a.setup({CITY: "Ủy ban nhân dân thành phố Cần Thơ"})
    b.setup({JUSTICE: "Sở Tư pháp"})
    results: dict[str, object] = {}
    try:
        for instance in (a, b):
            instance.start_server()
            instance.start_worker()
        path = spec(sender=CITY, recipient=JUSTICE, tmp=root)
        # Latency: one document at a time, each delivered before the next is sent.
        for index in range(latency_count):
            data = json.loads(path.read_text())
            data["code_number"] = str(100_000 + index)
            path.write_text(json.dumps(data, ensure_ascii=False))
            a.run("exchange", "send", str(path), "--agency", CITY)
            wait_for(lambda index=index: a.delivered() >= index + 1, 60)
        sent, arrived = _sent(a), _arrivals(b)
        latencies = sorted(arrived[d] - sent[d] for d in sent if d in arrived)
        results["latency_median_ms"] = round(statistics.median(latencies) * 1000, 1)
        results["latency_p95_ms"] = round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1)

        # The stream, with the receiver restarting in the middle of it.
        data = json.loads(path.read_text())
        data["code_number"] = "1"
        path.write_text(json.dumps(data, ensure_ascii=False))
        before = a.delivered()
        started = time.monotonic()
        a.run("exchange", "send", str(path), "--agency", CITY, "--count", str(stream))
        wait_for(lambda: a.delivered() >= before + stream // 3, 600)
        b.stop_server()
        down_at = a.delivered() - before
        time.sleep(5)
        b.start_server()
        wait_for(lambda: a.delivered() >= before + stream, 900)
        elapsed = time.monotonic() - started
        incoming = b.count("SELECT COUNT(*) FROM exchange_officialdocument WHERE direction='in'")
        distinct = b.count("SELECT COUNT(DISTINCT document_id) FROM exchange_officialdocument "
                           "WHERE direction='in'")
        expected = latency_count + stream
        results.update({
            "stream_messages": stream, "stream_seconds": round(elapsed, 1),
            "stream_delivered_when_receiver_stopped": down_at,
            "received": incoming, "lost": expected - distinct,
            "duplicated": incoming - distinct,
            "retried_deliveries": a.count("SELECT COUNT(*) FROM exchange_delivery "
                                          "WHERE attempts > 1"),
            "acknowledged_01": a.status_count("01"),
        })
    finally:
        a.stop()
        b.stop()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--latency", type=int, default=20)
    parser.add_argument("--library", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        keys = root / "keys"
        make_demo_ca(keys, {CITY: "UBND thành phố", JUSTICE: "Sở Tư pháp"})
        library = bench_library(keys, args.library)
        instances = bench_instances(root, keys, latency_count=args.latency,
                                    stream=args.messages)
    results = {
        "library_one_core": {k: round(v, 1) for k, v in library.items()},
        "sign_vs_build": round(library["build_sign_per_s"] / library["build_per_s"], 3),
        "verify_vs_parse": round(library["verify_per_s"] / library["parse_per_s"], 3),
        "two_instances": instances, "load_average": os.getloadavg(),
        "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    out = ROOT / "perf" / "results"
    out.mkdir(exist_ok=True)
    (out / "exchange-latest.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    ok = instances.get("lost") == 0 and instances.get("duplicated") == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
