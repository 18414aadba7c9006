"""Issue 17 item 13: `onestop demo --port N` links to port N, and its payment sandbox works.

A real demo in a subprocess (a fresh data directory; port 8765 unless another demo holds it),
reached over HTTP like a newcomer's browser: the payment page is labelled SANDBOX, the
gateway redirect and its return address name the port served, a sandbox transfer settles
the payment, and nothing the demo or its worker printed (e-mails included) names port 8000.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
import requests


def _port() -> int:
    """8765, the port of the issue, unless something (another demo) already listens there."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 8765)) != 0:
            return 8765
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return int(free.getsockname()[1])


CLI = [sys.executable, "-c", "import sys; from onestop.cli import main; sys.exit(main())"]
PAYMENT_FOR_A_DOSSIER = """
import django; django.setup()
from onestop.dossiers import services
from onestop.dossiers.models import Dossier, Status
d = Dossier.objects.filter(status=Status.AWAITING_PAYMENT).order_by("id").first()
assert d is not None, "the demo data hold no dossier awaiting payment"
print(services.payment_for_dossier(dossier_id=d.pk).payment.reference)
"""


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ONESTOP_") and k != "DATABASE_URL"}
    env.update({"ONESTOP_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "onestop.settings",
                "PYTHONUNBUFFERED": "1"})
    return env


def _wait(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the demo exited with {proc.returncode}")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise AssertionError("the demo did not answer in time")


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, page.status_code
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, "no CSRF token on " + url
    return found.group(1)


@pytest.mark.slow
def test_the_demo_links_to_its_own_port_and_its_sandbox_settles_a_payment(tmp_path):
    port = _port()
    site = f"http://127.0.0.1:{port}"
    log = (tmp_path / "demo.log").open("wb")
    demo = subprocess.Popen([*CLI, "demo", "--port", str(port), "--workers", "1"],
                            env=_env(tmp_path), stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait(site + "/", demo, timeout=600)
        assert demo.poll() is None  # our demo answers, not another one
        made = subprocess.run([*CLI[:1], "-c", PAYMENT_FOR_A_DOSSIER], env=_env(tmp_path),
                              capture_output=True, text=True, timeout=120)
        assert made.returncode == 0, made.stderr[-2000:]
        reference = made.stdout.strip().splitlines()[-1]
        session = requests.Session()
        pay_url = f"{site}/thanh-toan/{reference}/"
        page = session.get(pay_url, timeout=30)
        assert page.status_code == 200 and "SANDBOX" in page.text  # labelled as a sandbox

        # The gateway redirect and its way back name the port served, not 8000.
        token = _csrf(session, pay_url)
        to_gateway = session.post(pay_url, data={"csrfmiddlewaretoken": token,
                                                 "provider": "gateway"},
                                  headers={"Referer": pay_url}, allow_redirects=False,
                                  timeout=30)
        assert to_gateway.status_code == 302, to_gateway.status_code
        location = unquote(to_gateway.headers["Location"])
        assert location.startswith(f"{site}/sandbox/gateway/"), location
        assert f"{site}/thanh-toan/{reference}/" in location and ":8000" not in location

        # Paid with the sandbox bank: the page says so and the receipt is there.
        token = _csrf(session, pay_url)
        bank = session.post(pay_url, data={"csrfmiddlewaretoken": token,
                                           "provider": "sandbox"},
                            headers={"Referer": pay_url}, timeout=30)
        assert bank.status_code == 200 and "SANDBOX" in bank.text, bank.status_code
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', bank.text).group(1)
        paid = session.post(bank.url, data={"csrfmiddlewaretoken": token,
                                            "action": "transfer"},
                            headers={"Referer": bank.url}, timeout=60)
        assert paid.status_code == 200, paid.status_code
        with sqlite3.connect(tmp_path / "onestop.sqlite3") as db:
            state, sandbox = db.execute("SELECT state, sandbox FROM payments_payment "
                                        "WHERE reference = ?", (reference,)).fetchone()
        assert (state, sandbox) == ("succeeded", 1)
        receipt_page = session.get(pay_url, timeout=30).text
        assert "(SANDBOX)" in receipt_page
        time.sleep(3)  # the worker e-mails the receipt (to the console)
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        try:
            demo.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
        log.close()
    printed = (tmp_path / "demo.log").read_text(errors="replace")
    assert f"{site}/" in printed  # the demo's own list of addresses
    assert "127.0.0.1:8000" not in printed and "localhost:8000" not in printed
