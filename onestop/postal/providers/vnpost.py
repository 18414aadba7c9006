"""Vietnam Post (VNPost), a BCCP-like order API: create an order for the result, read the
item code (the tracking code, UPU S10 like "EB123456785VN") from the answer.

Where the shapes come from (docs/postal.md): no official VNPost API document could be
verified from here. The request follows the MyVNPost partner API as a public third-party
client calls it (POST {base}/customer-partner/CreateOrder, header "token", body
{"orderCreationStatus", "type": "GUI", "informationOrder": {senderName, senderPhone,
senderAddress, receiverName, receiverPhone, receiverAddress, receiverProvinceName,
serviceCode, saleOrderCode, contentNote, weight}}, answer {"originalID", "itemCode",
"totalFee", "status"}). The callback shape (EventId, ItemCode, Status, Time, Note, signed
with HMAC-SHA256) is this project's, to be mapped when the real specification is obtained.
The stand-in (onestop.postal.standin) implements exactly these shapes.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from . import base
from .base import Created, Event, Malformed, Order, Refused, Unavailable

CREATE_PATH = "/customer-partner/CreateOrder"


class VNPost:
    name = "vnpost"
    standin = False

    def label(self) -> str:
        return _("Vietnam Post")

    def base_url(self) -> str:
        return str(settings.ONESTOP_POSTAL_VNPOST_URL).rstrip("/")

    def token(self) -> str:
        return str(settings.ONESTOP_POSTAL_VNPOST_TOKEN)

    def secret(self) -> str:
        return str(settings.ONESTOP_POSTAL_CALLBACK_SECRET)

    def request_body(self, order: Order) -> dict[str, Any]:
        return {
            "orderCreationStatus": 1,  # 1: create the order for pick-up (0 would be a draft)
            "type": "GUI",
            "informationOrder": {
                "senderName": order.sender_name, "senderPhone": "",
                "senderAddress": order.sender_address,
                "receiverName": order.recipient, "receiverPhone": order.phone,
                "receiverAddress": order.address, "receiverProvinceName": order.province,
                "serviceCode": "BK",  # ordinary registered letter (bưu kiện/bảo đảm)
                "saleOrderCode": order.dossier_code, "contentNote": order.contents,
                "weight": "200",  # grams: a result is a few sheets of paper
                "codAmount": 0,  # the citizen pays the delivery fee to the centre, not on delivery
            },
        }

    def create(self, order: Order) -> Created:
        url = self.base_url()
        if not url:
            raise Unavailable(_("No address is configured for the postal service."))
        data = json.dumps(self.request_body(order)).encode()
        req = urllib.request.Request(url + CREATE_PATH, data=data, method="POST", headers={
            "Content-Type": "application/json", "token": self.token()})
        timeout = float(settings.ONESTOP_POSTAL_TIMEOUT)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (configured URL)
                answer = json.loads(resp.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            try:
                message = str(json.loads(exc.read().decode("utf-8")).get("message", ""))
            except (ValueError, AttributeError):
                message = ""
            if 400 <= exc.code < 500:
                raise Refused(message or _("The postal service refused the order.")) from exc
            raise Unavailable(_("The postal service answered with an error (%(code)s).")
                              % {"code": exc.code}) from exc
        except TimeoutError as exc:
            raise Unavailable(_("The postal service did not answer in time.")) from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise Unavailable(_("The postal service could not be reached.")) from exc
        code = str(answer.get("itemCode") or "") if isinstance(answer, dict) else ""
        if not code:
            raise Unavailable(_("The postal service's answer has no tracking code."))
        fee = answer.get("totalFee")
        return Created(tracking_code=code[:40], fee=fee if type(fee) is int else None)

    def parse_callback(self, body: bytes, headers: Any) -> Event:
        window = int(settings.ONESTOP_POSTAL_CALLBACK_WINDOW)
        base.verify(self.secret(), body, headers, now=time.time(), window=window)
        return base.read_event(body)


class StandInProvider(VNPost):
    """The same client, talking to the local STAND-IN (onestop.postal.standin)."""

    name = "standin"
    standin = True

    def label(self) -> str:
        return _("STAND-IN postal service (not Vietnam Post)")

    def base_url(self) -> str:
        return str(settings.ONESTOP_POSTAL_STANDIN_URL).rstrip("/")

    # The stand-in's own demo token and callback key, public and not secrets: callbacks are
    # only matched to shipments handed to the stand-in (docs/postal.md).
    def token(self) -> str:
        from ..standin import TOKEN
        return TOKEN

    def secret(self) -> str:
        from ..standin import SECRET
        return SECRET


__all__ = ["Malformed", "StandInProvider", "VNPost"]

base.register(VNPost())
base.register(StandInProvider())
