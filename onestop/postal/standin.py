"""A STAND-IN for the postal service's order API — not Vietnam Post.

Vietnam Post cannot be reached from here, so tests, CI and the demo talk to this local HTTP
server instead. It implements the request and answer shapes onestop's client sends
(onestop.postal.providers.vnpost: POST /customer-partner/CreateOrder) and the signed status
callbacks (docs/postal.md), checks what it receives (the token, the required fields, a phone
of digits), and can be told to refuse an address, fail, time out or deliver late.

    onestop postal standin --port 8793 --callback http://127.0.0.1:8000/postal/callback/standin/
    with StandIn() as standin: ...            # a thread on a random loopback port

Every answer carries `"standin": true` and the header `X-Onestop-Standin: 1`. An address
containing "KHÔNG PHÁT" (or mode "refuse") is refused, as the postal service refuses an
address it does not serve.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .providers.base import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

LABEL = "STAND-IN postal service (not Vietnam Post)"
TOKEN = "standin-token-not-a-secret"
SECRET = "standin-callback-secret-not-a-secret"
REQUIRED = ("senderName", "receiverName", "receiverPhone", "receiverAddress",
            "receiverProvinceName", "saleOrderCode", "serviceCode")
REFUSED_MARK = "KHÔNG PHÁT"
JOURNEYS = {
    "delivered": ("accepted", "in_transit", "delivered"),
    "failed": ("accepted", "in_transit", "failed"),
    "returned": ("accepted", "in_transit", "failed", "returned"),
}


def s10(number: int) -> str:
    """A UPU S10 item code: EB, 8 digits, the S10 check digit, VN."""
    digits = f"{number % 10**8:08d}"
    total = sum(int(d) * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    check = 5 if check == 11 else 0 if check == 10 else check
    return f"EB{digits}{check}VN"


def check_order(body: Any) -> list[str]:
    if not isinstance(body, dict) or not isinstance(body.get("informationOrder"), dict):
        return ["informationOrder: missing"]
    info = body["informationOrder"]
    errors = [f"{k}: missing" for k in REQUIRED if not str(info.get(k) or "").strip()]
    phone = str(info.get("receiverPhone") or "").replace(" ", "")
    if phone and not (phone.lstrip("+").isdigit() and 9 <= len(phone) <= 12):
        errors.append("receiverPhone: not a phone number")
    if body.get("type") != "GUI":
        errors.append("type: GUI")
    return errors


@dataclass
class State:
    mode: str = "ok"  # ok | refuse | down | timeout
    delay: float = 3.0  # seconds a timeout sleeps
    journey: str = "delivered"  # what the callbacks tell: delivered | failed | returned
    step_delay: float = 0.0  # seconds between callbacks; "late" delivery is a long one
    callback_url: str = ""  # where to send the callbacks; empty: keep them for the caller
    counter: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def callbacks_for(code: str, journey: str = "delivered", *, secret: str = SECRET,
                  at: float | None = None) -> list[tuple[bytes, dict[str, str]]]:
    """The signed callbacks the stand-in sends for `code`, in order: (body, headers)."""
    out = []
    for i, status in enumerate(JOURNEYS[journey]):
        body = json.dumps({"EventId": f"{code}-{i + 1}-{status}", "ItemCode": code,
                           "Status": status, "Time": time.strftime("%Y%m%d%H%M%S"),
                           "Note": LABEL, "standin": True}).encode()
        ts = str(int(at if at is not None else time.time()))
        out.append((body, {TIMESTAMP_HEADER: ts, SIGNATURE_HEADER: sign(secret, ts, body),
                           "Content-Type": "application/json", "X-Onestop-Standin": "1"}))
    return out


def post_callbacks(url: str, code: str, journey: str, step_delay: float) -> None:
    for body, _headers in callbacks_for(code, journey):
        if step_delay:
            time.sleep(step_delay)
        # Signed at sending time, so a late delivery is still inside the window.
        ts = str(int(time.time()))
        headers = {**_headers, TIMESTAMP_HEADER: ts, SIGNATURE_HEADER: sign(SECRET, ts, body)}
        req = urllib.request.Request(url, data=body, method="POST", headers=headers)
        try:
            urllib.request.urlopen(req, timeout=10).close()  # noqa: S310 (local URL)
        except OSError:
            pass  # a real postal service retries; the stand-in's demo just goes on


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps({**payload, "standin": True}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Onestop-Standin", "1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        st = self.server.state
        if self.path == "/_standin/received":
            return self._answer(200, {"received": st.received, "label": LABEL})
        return self._answer(404, {"message": "not found"})

    def do_POST(self) -> None:  # noqa: N802
        st = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            return self._answer(400, {"message": "body is not JSON"})
        if self.path == "/_standin/control":
            for key in ("mode", "delay", "journey", "step_delay", "callback_url"):
                if key in body:
                    setattr(st, key, body[key])
            return self._answer(200, {"mode": st.mode})
        if self.path != "/customer-partner/CreateOrder":
            return self._answer(404, {"message": "not found"})
        with st.lock:
            st.received.append({"path": self.path, "body": body,
                                "token": self.headers.get("token", "")})
        if self.headers.get("token") != TOKEN:
            return self._answer(401, {"message": "token invalid"})
        if st.mode == "down":
            return self._answer(503, {"message": "service unavailable"})
        if st.mode == "timeout":
            time.sleep(st.delay)
            return self._answer(504, {"message": "too late"})
        errors = check_order(body)
        if errors:
            return self._answer(400, {"message": "; ".join(errors)})
        info = body["informationOrder"]
        if st.mode == "refuse" or REFUSED_MARK in str(info["receiverAddress"]).upper():
            return self._answer(422, {"message": "Địa chỉ không phục vụ được (address not served)"})
        with st.lock:
            st.counter += 1
            code = s10(st.counter)
            st.orders[code] = info
        if st.callback_url:
            threading.Thread(target=post_callbacks, daemon=True,
                             args=(st.callback_url, code, st.journey, st.step_delay)).start()
        return self._answer(200, {"originalID": f"SI{st.counter:08d}", "itemCode": code,
                                  "totalFee": 25000, "status": 1})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: State) -> None:
        super().__init__(address, _Handler)
        self.state = state


class StandIn:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self.state = State()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> StandIn:
        self._server = _Server((self.host, self.port), self.state)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server = _Server((self.host, self.port), self.state)
        self.port = self._server.server_address[1]
        self._server.serve_forever()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
