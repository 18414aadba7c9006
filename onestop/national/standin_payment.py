"""A STAND-IN for the national payment platform — not the national platform.

Mounted in the national stand-in server (standin.py) under /payment/:

    GET  /payment/pay?<initiation fields>&signature=…   → the STAND-IN page (or 400 if the
         message is not signed as payments/providers/national.py says, or a field is wrong)
    POST /payment/pay (confirm or cancel)               → POSTs the signed confirmation to
         <return_url's origin>/payments/webhooks/national/ (or `payment_state(...).notify_url`),
         records the answer, then sends the payer back to return_url
    POST /payment/_control {"mode": …, "delay": s}       → how the next payments fail:
         "ok"; "down" (the pay page answers 503, nothing is sent); "error" (the platform
         answers the payer 500 after the decision and sends nothing); "drop" (the payer is
         sent back, the confirmation never comes); "late" (the payer is sent back at once,
         the confirmation comes `delay` seconds later, from another thread)

It signs with the same setting as the provider (ONESTOP_NATIONAL_PAYMENT_SECRET), since it
plays the other side of that shared secret.
"""

from __future__ import annotations

import datetime
import html
import json
import secrets
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from onestop.payments.providers import national

from .standin import MOUNTS

PREFIX = "/payment"
LABEL = "STAND-IN for the national payment platform (not the national platform)"
VIETNAM = datetime.timezone(datetime.timedelta(hours=7))
_LOCK = threading.Lock()


MODES = ("ok", "down", "error", "drop", "late")


@dataclass
class PaymentState:
    notify_url: str = ""  # empty: <return_url's origin>/payments/webhooks/national/
    sent: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    mode: str = "ok"
    delay: float = 2.0
    dropped: list[dict[str, str]] = field(default_factory=list)  # confirmations never sent


def payment_state(owner: Any) -> PaymentState:
    state = getattr(owner, "state", owner)
    with _LOCK:
        found = state.__dict__.get("payment")
        if found is None:
            found = state.__dict__["payment"] = PaymentState()
    return found


def _send(handler: Any, status: int, body: str, *, location: str = "") -> None:
    raw = body.encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(raw)))
    handler.send_header("X-Onestop-Standin", "1")
    if location:
        handler.send_header("Location", location)
    handler.end_headers()
    handler.wfile.write(raw)


def problems_of(message: dict[str, str]) -> list[str]:
    """What is wrong with an initiation message, as the platform would check it."""
    found = [f"{name}: missing" for name in national.INIT_FIELDS if name not in message]
    if found:
        return found
    if not national.verify(national.INIT_FIELDS, message):
        found.append("signature does not match")
    if not message["amount"].isdigit() or int(message["amount"]) <= 0:
        found.append("amount must be a positive whole number of đồng")
    if message["currency"] != "VND":
        found.append("currency must be VND")
    try:
        lines = json.loads(message["fee_lines"])
        if sum(int(line["amount"]) for line in lines) != int(message["amount"] or 0):
            found.append("fee lines do not add up to the amount")
    except (ValueError, TypeError, KeyError):
        found.append("fee_lines must be a JSON list of {name, amount}")
    if not message["return_url"].startswith(("http://", "https://")):
        found.append("return_url missing")
    return found


def _page(message: dict[str, str]) -> str:
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                     for k, v in message.items())
    lines = "".join(f"<li>{html.escape(str(line['name']))}: {int(line['amount']):,} đ</li>"
                    for line in json.loads(message["fee_lines"]))
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        "<title>STAND-IN – Nền tảng thanh toán</title></head><body>"
        f'<p role="note" style="background:#fde68a;padding:1em"><strong>STAND-IN</strong> – '
        f"{html.escape(LABEL)}. Không phải Nền tảng thanh toán quốc gia; không có tiền thật."
        "</p><h1>Thanh toán (STAND-IN)</h1>"
        f"<p>Hồ sơ {html.escape(message['dossier_code'])} – "
        f"{html.escape(message['payer_name'])}</p><ul>{lines}</ul>"
        f"<p><strong>{int(message['amount']):,} VND</strong> – "
        f"{html.escape(message['reference'])}</p>"
        f'<form method="post" action="{PREFIX}/pay">{hidden}'
        '<button type="submit" name="decision" value="confirm">Xác nhận thanh toán / '
        'Confirm</button> <button type="submit" name="decision" value="cancel">Hủy / '
        "Cancel</button></form></body></html>")


def confirmation(message: dict[str, str], *, paid: bool) -> dict[str, str]:
    return national.signed(national.CONFIRM_FIELDS, {
        "merchant": message["merchant"], "reference": message["reference"],
        "transaction_id": "SI" + secrets.token_hex(6).upper(), "amount": message["amount"],
        "status": national.SUCCESS if paid else "24",  # 24: cancelled by the payer
        "paid_at": datetime.datetime.now(VIETNAM).strftime("%Y%m%d%H%M%S"),
    })


def deliver(url: str, body: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _control(handler: Any) -> None:
    length = int(handler.headers.get("Content-Length") or 0)
    try:
        body = json.loads(handler.rfile.read(length) or b"{}")
        mode, delay = str(body.get("mode", "ok")), float(body.get("delay", 2.0))
    except (ValueError, TypeError, AttributeError):
        mode, delay = "", 0.0
    if mode not in MODES or delay < 0:
        _send(handler, 400, f"<p>STAND-IN: mode must be one of {', '.join(MODES)}</p>")
        return
    state = payment_state(handler.server)
    with _LOCK:
        state.mode, state.delay = mode, delay
    _send(handler, 200, f"<p>STAND-IN payment mode: {mode}</p>")


def _record(state: PaymentState, url: str, body: dict[str, str]) -> None:
    answer = deliver(url, body)
    with _LOCK:
        state.sent.append(answer)


def handle(handler: Any, method: str) -> bool:
    parts = urlsplit(handler.path)
    if method == "POST" and parts.path == PREFIX + "/_control":
        _control(handler)
        return True
    if parts.path != PREFIX + "/pay":
        return False
    state = payment_state(handler.server)
    if state.mode == "down":
        _send(handler, 503, "<p>STAND-IN: told to be down</p>")
        return True
    if method == "GET":
        message = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    else:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode("utf-8", "replace")
        message = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
    decision = message.pop("decision", "")
    found = problems_of(message)
    if found:
        _send(handler, 400, "<p>STAND-IN: " + html.escape("; ".join(found)) + "</p>")
        return True
    if method == "GET":
        _send(handler, 200, _page(message))
        return True
    back = urlsplit(message["return_url"])
    url = state.notify_url or f"{back.scheme}://{back.netloc}/payments/webhooks/national/"
    body = confirmation(message, paid=decision == "confirm")
    if state.mode == "error":
        _send(handler, 500, "<p>STAND-IN: told to fail; nothing was paid</p>")
        return True
    if state.mode == "drop":
        with _LOCK:
            state.dropped.append(body)
    elif state.mode == "late":
        timer = threading.Timer(state.delay, _record, args=(state, url, body))
        timer.daemon = True
        timer.start()
    else:
        _record(state, url, body)
    _send(handler, 302, "", location=message["return_url"])
    return True


MOUNTS.append(handle)
