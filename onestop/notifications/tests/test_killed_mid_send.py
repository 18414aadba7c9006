"""A worker killed (`kill -9`) while an SMS is in flight: the message is sent again after the
lease, with the same message id, and a gateway that honours the id delivers it once.

Real parts: `onestop worker` subprocesses on the test database, a real HTTP gateway on a
loopback port that counts deliveries and drops a repeated `Idempotency-Key`, a real SIGKILL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from onestop.notifications.channels import EmailChannel
from onestop.notifications.models import Delivery
from onestop.notifications.tasks import deliver_task
from onestop.testing import database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROWS = 12
HELD = 5  # the gateway holds the 5th message until the worker that sent it is dead


class Gateway(ThreadingHTTPServer):
    """An SMS gateway stand-in with the shape of HttpSmsProvider's (JSON, bearer token)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), GatewayHandler)
        self.lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self.delivered: dict[str, dict[str, Any]] = {}  # message id → message, once each
        self.held = threading.Event()
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sms"


class GatewayHandler(BaseHTTPRequestHandler):
    server: Gateway

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        key = self.headers.get("Idempotency-Key")
        with self.server.lock:
            self.server.requests.append({"key": key, **body})
            number = len(self.server.requests)
            # Honour the key: a message whose key was seen is acknowledged, not sent again.
            # Without a key every request is a message of its own.
            self.server.delivered.setdefault(key or f"request-{number}", body)
        if number == HELD:
            self.server.held.set()
            self.server.release.wait(60)  # the sender is killed while it waits for this
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status": "accepted"}')

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    server = Gateway()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


def _worker(gateway: Gateway, tmp_path: Any, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "onestop.settings",
           "DATABASE_URL": database_url(), "ONESTOP_REDIS_URL": "",
           "ONESTOP_SECRET_KEY": "test-worker-key-0123456789-abcdefghijklmnopqrstuvwxyz",
           "ONESTOP_SMS_PROVIDER": "http", "ONESTOP_SMS_HTTP_URL": gateway.url,
           "ONESTOP_SMS_HTTP_TOKEN": "test-token", "ONESTOP_NOTIFY_LEASE": "2",
           "ONESTOP_NOTIFY_CATCHUP_INTERVAL": "1",
           "ONESTOP_AUDIT_CHECKPOINT_FILE": str(tmp_path / "checkpoints.jsonl"),
           "ONESTOP_AUDIT_SIGNING_KEY": str(tmp_path / "audit-key.pem")}
    return subprocess.Popen(
        [sys.executable, "-c", "import sys; from onestop.cli import main; sys.exit(main())",
         "worker", *args], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)


def _outbox(n: int) -> list[int]:
    now = timezone.now()
    Delivery.objects.bulk_create(
        Delivery(event_key=f"kill-test:{i}", event="received", channel="sms",
                 recipient=f"sms:09000000{i:02d}", address=f"09000000{i:02d}",
                 subject="Hồ sơ đã được tiếp nhận", body=f"Tin số {i}", created_at=now,
                 next_attempt_at=now)
        for i in range(n))
    return list(Delivery.objects.order_by("pk").values_list("pk", flat=True))


def test_a_message_in_flight_when_the_worker_is_killed_is_delivered_once(gateway, tmp_path):
    ids = _outbox(ROWS)
    deliver_task.enqueue(ids)
    worker = _worker(gateway, tmp_path)
    try:
        assert gateway.held.wait(120), "the worker never reached the gateway"
        os.kill(worker.pid, signal.SIGKILL)  # mid-send: the gateway has the message
        worker.wait(30)
    finally:
        if worker.poll() is None:
            worker.kill()
    gateway.release.set()
    in_flight = Delivery.objects.get(pk=ids[HELD - 1])
    assert in_flight.state == Delivery.State.SENDING  # sent, but nobody recorded it

    time.sleep(2.5)  # the dead worker's lease on the row runs out
    again = _worker(gateway, tmp_path, "--batch")
    _out, err = again.communicate(timeout=180)
    assert again.returncode == 0, err.decode()[-2000:]

    states = set(Delivery.objects.filter(pk__in=ids).values_list("state", flat=True))
    assert states == {Delivery.State.SENT}
    keys = [r["key"] for r in gateway.requests]
    assert len(keys) == ROWS + 1  # the message in flight went out twice…
    assert keys.count(in_flight.message_id) == 2
    assert len(gateway.delivered) == ROWS  # …and the gateway delivered it once
    assert all(r["id"] == r["key"] for r in gateway.requests)  # the id is in the body too


def test_an_email_sent_again_keeps_its_message_id(db):
    [pk] = _outbox(1)
    row = Delivery.objects.get(pk=pk)
    row.channel, row.address = "email", "an@example.vn"
    EmailChannel().send(row)
    EmailChannel().send(row)  # what a resend after a crash does
    first, second = (m.extra_headers["Message-ID"] for m in mail.outbox)
    assert first == second and row.message_id in first
