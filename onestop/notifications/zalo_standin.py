"""A STAND-IN for Zalo's ZNS API — not Zalo.

Zalo cannot be reached from here, so tests, CI and the demo send to this local HTTP server
instead. It takes the send request Zalo takes (POST JSON {phone, template_id,
template_data, tracking_id}, the OA token in the `access_token` header), answers in Zalo's
shape ({error, message, data: {msg_id, sent_time}}), and later posts the delivery callback
signed like Zalo's webhook (X-ZEvent-Signature: mac=sha256(app_id + body + timestamp + OA
secret)) to the callback URL it was given.

What it does that Zalo would: a phone number it does not know (any number starting 84999,
or one added to `unknown_phones`) is error -118; a wrong token is -124; the same
tracking_id sent again answers the first msg_id without a second message.

    onestop zalo standin --port 8793 --callback http://127.0.0.1:8000/zalo/callback/
    with ZaloStandIn() as standin: ...        # a thread on a random loopback port

Control: POST /_standin/control {"mode": "ok"|"down"|"timeout"|"undeliverable",
"times": N (0: until changed), "delay": seconds before the callback}; GET /_standin/received.
Every answer carries `"standin": true` and the header `X-Onestop-Standin: 1`.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .zalo import signature

LABEL = "STAND-IN for Zalo ZNS (not Zalo)"
TOKEN = "standin-zalo-token"  # the stand-in's own values, not secrets
APP_ID = "standin-app"
OA_SECRET = "standin-oa-secret-not-a-secret"
SEND_PATH = "/message/template"


class ZaloStandIn:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, callback_url: str = "",
                 token: str = TOKEN, app_id: str = APP_ID, secret: str = OA_SECRET) -> None:
        self.host, self.port, self.callback_url = host, port, callback_url
        self.token, self.app_id, self.secret = token, app_id, secret
        self.mode, self.times, self.delay = "ok", 0, 0.0
        self.unknown_phones: set[str] = set()
        self.received: list[dict[str, Any]] = []
        self.sent: dict[str, dict[str, Any]] = {}  # tracking_id -> message
        self.callbacks: list[tuple[int, str]] = []  # (HTTP status, msg_id) of posted ones
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # ---- running ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{SEND_PATH}"

    def bind(self) -> ThreadingHTTPServer:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                standin._post(self)

            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/_standin/received":
                    with standin.lock:
                        standin._answer(self, 200, {"received": standin.received})
                else:
                    standin._answer(self, 404, {"error": -1, "message": "not found"})

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self._server.server_port
        return self._server

    def __enter__(self) -> ZaloStandIn:
        server = self.bind()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def set_mode(self, mode: str, *, times: int = 0, delay: float | None = None) -> None:
        with self.lock:
            self.mode, self.times = mode, times
            if delay is not None:
                self.delay = delay

    # ---- the API -----------------------------------------------------------------------

    def _answer(self, handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps({**body, "standin": True}, ensure_ascii=False).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("X-Onestop-Standin", "1")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _take_mode(self) -> str:
        with self.lock:
            mode = self.mode
            if mode != "ok" and self.times:
                self.times -= 1
                if self.times == 0:
                    self.mode = "ok"
            return mode

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        raw = handler.rfile.read(int(handler.headers.get("Content-Length", 0) or 0))
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        if handler.path == "/_standin/control":
            body = body or {}
            self.set_mode(str(body.get("mode", "ok")), times=int(body.get("times", 0)),
                          delay=float(body["delay"]) if "delay" in body else None)
            if body.get("callback_url"):
                self.callback_url = str(body["callback_url"])
            return self._answer(handler, 200, {"mode": self.mode})
        if handler.path != SEND_PATH:
            return self._answer(handler, 404, {"error": -1, "message": "not found"})
        with self.lock:
            self.received.append({"headers": {k.lower(): v for k, v in handler.headers.items()},
                                  "body": body})
        mode = self._take_mode()
        if mode == "down":
            return self._answer(handler, 503, {"error": -1, "message": "STAND-IN is down"})
        if mode == "timeout":
            time.sleep(30)
            return self._answer(handler, 504, {"error": -1, "message": "timeout"})
        if handler.headers.get("access_token") != self.token:
            return self._answer(handler, 200, {"error": -124, "message": "Access token is invalid"})
        if not isinstance(body, dict) or not all(
                k in body for k in ("phone", "template_id", "template_data")):
            return self._answer(handler, 200, {"error": -100, "message": "Invalid parameters"})
        phone = str(body["phone"])
        if not phone.startswith("84") or not phone.isdigit():
            return self._answer(handler, 200, {"error": -108, "message": "Phone number is invalid"})
        if phone.startswith("84999") or phone in self.unknown_phones:
            return self._answer(handler, 200, {
                "error": -118, "message": "Zalo account does not exist or has been disabled"})
        tracking = str(body.get("tracking_id", ""))
        with self.lock:
            known = self.sent.get(tracking) if tracking else None
            if known is None:
                known = {"msg_id": secrets.token_hex(10), "sent_time": str(int(time.time() * 1000)),
                         "phone": phone, "template_id": body["template_id"],
                         "template_data": body["template_data"],
                         "fate": "failed" if mode == "undeliverable" else "delivered"}
                if tracking:
                    self.sent[tracking] = known
                new = True
            else:
                new = False
        if new and self.callback_url:
            threading.Timer(self.delay, self.post_callback, args=(known["msg_id"],)).start()
        self._answer(handler, 200, {"error": 0, "message": "Success", "data": {
            "msg_id": known["msg_id"], "sent_time": known["sent_time"],
            "quota": {"dailyQuota": "500", "remainingQuota": "499"}}})

    # ---- callbacks ----------------------------------------------------------------------

    def callback_for(self, msg_id: str, *, fate: str | None = None,
                     timestamp_ms: int | None = None) -> tuple[bytes, str]:
        """The body and X-ZEvent-Signature of the callback for one message."""
        message = next((m for m in self.sent.values() if m["msg_id"] == msg_id), None)
        fate = fate or (message or {}).get("fate", "delivered")
        ts = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
        event: dict[str, Any] = {
            "app_id": self.app_id, "oa_id": "standin-oa", "timestamp": ts,
            "event_name": "user_received_message" if fate == "delivered"
            else "zns_message_failed",
            "message": {"msg_id": msg_id, "delivery_time": ts,
                        "tracking_id": next((k for k, m in self.sent.items()
                                             if m["msg_id"] == msg_id), "")},
            "standin": True,
        }
        if fate != "delivered":
            event["message"]["error"] = "STAND-IN: the phone did not receive the message"
        body = json.dumps(event).encode()
        return body, signature(app_id=self.app_id, body=body, timestamp=ts, secret=self.secret)

    def post_callback(self, msg_id: str) -> int:
        body, sig = self.callback_for(msg_id)
        request = urllib.request.Request(self.callback_url, data=body, method="POST", headers={
            "Content-Type": "application/json", "X-ZEvent-Signature": sig,
            "X-Onestop-Standin": "1"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = 0
        with self.lock:
            self.callbacks.append((status, msg_id))
        return status
