"""Bills hub fixtures: a water company collected by the city's centre, a local HTTP server."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from onestop.billing import services
from onestop.billing.models import Biller


@pytest.fixture(autouse=True)
def _payment_settings(settings):
    settings.ONESTOP_PAYMENT_SANDBOX = True
    settings.ONESTOP_VIETQR_WEBHOOK_SECRET = "bank-secret-for-tests"
    settings.ONESTOP_GATEWAY_SECRET = "gateway-secret-for-tests"
    settings.ONESTOP_PAYMENT_SANDBOX_SECRET = "sandbox-secret-for-tests"
    settings.ONESTOP_GATEWAY_URL = ""
    settings.PUBLIC_BASE_URL = "http://testserver"


@dataclass
class Water:
    biller: Biller
    key: str


@pytest.fixture
def water(city) -> Water:
    biller, key = services.biller_create(code="cantho-water", name="Cấp nước Cần Thơ",
                                         kind="water", agency=city.centre)
    return Water(biller=biller, key=key)


BILLS = [
    {"number": "HD-0001", "customer_code": "KH001", "customer_name": "Nguyễn Văn An",
     "period": "03/2026", "amount": 185000, "due_date": "2026-04-10"},
    {"number": "HD-0002", "customer_code": "KH001", "customer_name": "Nguyễn Văn An",
     "period": "04/2026", "amount": 192000, "due_date": "2026-05-10"},
    {"number": "HD-0003", "customer_code": "KH002", "customer_name": "Trần Thị Bình",
     "period": "03/2026", "amount": 99000, "due_date": "2026-04-10"},
]


@dataclass
class Receiver:
    """A local biller endpoint: records each POST and answers the next queued status."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.received.append({"body": body, "headers": dict(self.headers)})
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/callback"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
