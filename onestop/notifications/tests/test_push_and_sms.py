"""Web Push and the HTTP SMS provider, against HTTP servers started by the tests on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from onestop.accounts.models import User
from onestop.dossiers import services as svc
from onestop.notifications import services as notify
from onestop.notifications.models import Delivery, PushSubscription

pytestmark = pytest.mark.django_db


class Recorder(BaseHTTPRequestHandler):
    status = 201
    received: list[tuple[str, dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Recorder.received.append((self.path, {k.lower(): v for k, v in self.headers.items()},
                                  body))
        self.send_response(410 if self.path.endswith("/gone") else Recorder.status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    Recorder.received = []
    Recorder.status = 201
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
def vapid(settings) -> None:
    key = Vapid02()
    key.generate_keys()
    settings.ONESTOP_VAPID_PRIVATE_KEY = key.private_pem().decode()


def _device(user: User, endpoint: str) -> PushSubscription:
    browser_key = ec.generate_private_key(ec.SECP256R1())
    public = browser_key.public_key().public_bytes(serialization.Encoding.X962,
                                                   serialization.PublicFormat.UncompressedPoint)
    return notify.push_subscription_register(user=user, endpoint=endpoint, p256dh=_b64(public),
                                             auth=_b64(os.urandom(16)), label="Phone")


def _citizen() -> User:
    return User.objects.create_user(username="c", password="x-pass-123", phone="0912345678")


def test_web_push_reaches_each_device_encrypted_and_signed(city, server, vapid):
    user = _citizen()
    notify.preference_update(user=user, email=False, sms=False, in_app=False, push=True)
    _device(user, f"{server}/push/a")
    _device(user, f"{server}/push/b")
    d = svc.dossier_submit_online(filing=city.filing(account=user))
    d = svc.dossier_receive(dossier_id=d.pk, officer=city.officer)
    rows = list(Delivery.objects.filter(dossier=d))
    assert {r.channel for r in rows} == {"push"} and len(rows) == 2
    assert notify.deliver_many(ids=[r.pk for r in rows]) == {"sent": 2}
    assert sorted(path for path, _h, _b in Recorder.received) == ["/push/a", "/push/b"]
    _path, headers, body = Recorder.received[0]
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")
    assert d.code.encode() not in body  # the payload is encrypted for the device


def test_a_device_the_push_service_forgot_is_removed(city, server, vapid):
    user = _citizen()
    notify.preference_update(user=user, email=False, sms=False, in_app=False, push=True)
    _device(user, f"{server}/push/gone")
    d = svc.dossier_submit_online(filing=city.filing(account=user))
    svc.dossier_receive(dossier_id=d.pk, officer=city.officer)
    row = Delivery.objects.get(channel="push")
    assert notify.deliver(delivery_id=row.pk) == "failed"
    assert not PushSubscription.objects.exists()


def test_sms_through_the_http_provider_posts_json_with_the_token(city, server, settings):
    settings.ONESTOP_SMS_PROVIDER = "http"
    settings.ONESTOP_SMS_HTTP_URL = f"{server}/sms"
    settings.ONESTOP_SMS_HTTP_TOKEN = "gateway-token"
    user = _citizen()
    notify.preference_update(user=user, email=False, sms=True, in_app=False, push=False)
    d = svc.dossier_submit_online(filing=city.filing(account=user))
    d = svc.dossier_receive(dossier_id=d.pk, officer=city.officer)
    row = Delivery.objects.get(channel="sms")
    Recorder.status = 503
    assert notify.deliver(delivery_id=row.pk) == "pending"  # gateway down: retried later
    Recorder.status = 200
    row.refresh_from_db()
    assert notify.deliver(delivery_id=row.pk, now=row.next_attempt_at) == "sent"
    path, headers, body = Recorder.received[-1]
    assert path == "/sms" and headers["authorization"] == "Bearer gateway-token"
    payload = json.loads(body)
    assert payload["to"] == "0912345678" and d.code in payload["text"]
