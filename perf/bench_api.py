"""API benchmark: requests per second of GET /api/v1/procedures?q=… and GET /api/v1/lookup
against a bare ninja endpoint on the same gunicorn server in the same run, and notifications
delivered per second by one `onestop worker`.

    .venv/bin/python perf/bench_api.py [--seconds 10] [--deliveries 1000]

Builds a throw-away database in a temporary data directory (SQLite unless
ONESTOP_PERF_API_DATABASE_URL is set): the shared test city, 200 more procedures, a received
dossier to look up. Traffic goes to 127.0.0.1 only, with wrk (-t1 -c8) for a bounded time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data_dir: str) -> dict[str, str]:
    return {**os.environ, "ONESTOP_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "perf.bench_api_site"}


SETUP = r"""
import django, json, sys
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from onestop.testing import make_city, make_procedure
from onestop.catalog.models import Field
city = make_city()
field = Field.objects.create(code="dat-dai", name="Đất đai", name_en="Land")
for i in range(200):
    make_procedure(code=f"2.{i:06d}", name=f"Thủ tục số {i} về đất đai và xây dựng",
                   field=field, centre=city.centre, handling=city.justice)
from onestop.dossiers import services as svc
d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing())
print(json.dumps({"code": d.code}))
"""

FILL_OUTBOX = r"""
import django, json, sys
django.setup()
from django.db import transaction
from onestop.accounts.models import User
from onestop.dossiers import services as svc
from onestop.testing import City
from onestop.agencies.models import Agency
from onestop.catalog.models import ProcedureVersion
n = int(sys.argv[1])
centre = Agency.objects.get(code="000.00.00.H99")
officer = User.objects.get(username="officer")
version = ProcedureVersion.objects.get(procedure__code="1.001193")
from onestop.dossiers.services import Applicant, Filing, SubmittedDocument
docs = [SubmittedDocument(required_document_id=d.id, originals=1, copies=1)
        for d in version.documents.all()]
for i in range(n // 2):  # each receipt: an e-mail and an in-app delivery
    u = User.objects.create_user(username=f"bench{i}", email=f"b{i}@example.vn")
    svc.dossier_intake_at_counter(officer=officer, filing=Filing(
        procedure_version=version, receiving_agency=centre,
        applicant=Applicant(name="Người dân", account=u), documents=docs))
from onestop.notifications.models import Delivery
print(json.dumps({"pending": Delivery.objects.filter(state="pending").count()}))
"""

COUNT_SENT = r"""
import django, json
django.setup()
from onestop.notifications.models import Delivery
print(json.dumps({"sent": Delivery.objects.filter(state="sent").count()}))
"""


def _py(code: str, env: dict[str, str], *args: str) -> dict[str, int | str]:
    out = subprocess.run([str(BIN / "python"), "-c", code, *args], env=env, check=True,
                         capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def _wrk(url: str, seconds: int) -> float:
    out = subprocess.run(["wrk", "-t1", "-c8", f"-d{seconds}s", url], capture_output=True,
                         text=True, check=True, timeout=seconds + 30).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} error responses\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert match, out
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--deliveries", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="onestop-bench-api-") as data_dir:
        env = _env(data_dir)
        code = str(_py(SETUP, env)["code"])
        port = _free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning", "onestop.wsgi:application"],
            env=env, cwd=ROOT)
        try:
            base = f"http://127.0.0.1:{port}"
            # Ready when a worker answers, not when the master listens: on a busy machine
            # the workers boot seconds later, and a short round would measure nothing.
            for _ in range(600):
                try:
                    with urllib.request.urlopen(f"{base}/perf/api/bare", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.1)
            urls = {
                "bare ninja endpoint": f"{base}/perf/api/bare",
                "GET /api/v1/procedures?q=dat dai xay dung":
                    f"{base}/api/v1/procedures?q=dat%20dai%20xay%20dung",
                "GET /api/v1/lookup": f"{base}/api/v1/lookup?code={code}&factor=5678",
            }
            results: dict[str, float] = {name: 0.0 for name in urls}
            for _round in range(2):  # alternate, so drift hits every URL alike
                for name, url in urls.items():
                    results[name] += _wrk(url, args.seconds) / 2
        finally:
            server.terminate()
            server.wait(timeout=30)
        pending = _py(FILL_OUTBOX, env, str(args.deliveries))["pending"]
        started = time.perf_counter()
        subprocess.run([str(BIN / "onestop"), "worker", "--batch"], env=env, check=True,
                       cwd=ROOT, capture_output=True)
        elapsed = time.perf_counter() - started
        sent = _py(COUNT_SENT, env)["sent"]
    bare = results["bare ninja endpoint"]
    print(f"{'endpoint':48} {'req/s':>8} {'vs bare':>8}")
    for name, rps in results.items():
        print(f"{name:48} {rps:8.0f} {rps / bare:8.2f}")
    print(f"notifications: {sent} of {pending} sent by one worker in {elapsed:.1f} s "
          f"(process start included) = {int(sent) / elapsed:.0f}/s")
    if sent != pending:
        sys.exit("not every delivery was sent")


if __name__ == "__main__":
    main()
