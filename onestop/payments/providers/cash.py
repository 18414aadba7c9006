"""Cash at the counter: recorded by an officer, never counted as an online payment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import Incoming, Malformed, Notice, Start, register

if TYPE_CHECKING:
    from ..models import Payment


class CashProvider:
    name = "cash"
    online = False
    choosable = False  # recorded by an officer at the counter (payment_record_cash)
    redirects = False
    notifies = False
    sandbox = False

    def start(self, payment: Payment, *, return_url: str = "") -> Start:
        return Start(kind="counter")

    def signature_of(self, incoming: Incoming) -> str:
        return ""

    def parse_notification(self, incoming: Incoming) -> Notice:
        raise Malformed("cash is recorded by an officer, not notified")

    def respond(self, outcome: str) -> tuple[int, dict[str, Any]]:
        return 404, {"ok": False}

    def query(self, payment: Payment) -> Notice | None:
        return None


register(CashProvider())
