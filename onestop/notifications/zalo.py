"""Zalo ZNS (template messages of the city's Official Account): phone numbers, the HTTP
client, the channel, and the check of Zalo's signed callbacks.

Shapes followed (docs/notifications.md cites them): the ZNS send is a POST of JSON
{phone, template_id, template_data, tracking_id} with the OA's token in the `access_token`
header, answered {error, message, data: {msg_id, sent_time, ...}} where error 0 is success;
the webhook signs each event with X-ZEvent-Signature = "mac=" + sha256(app_id + body +
timestamp + OA secret key), timestamp being the event's own field (milliseconds).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import phonenumbers
from django.conf import settings

from .channels import DeliveryError, PermanentFailure
from .models import Delivery

# Zalo's error codes that say the number can never get the message (no Zalo account, an
# invalid number, the user refused the OA's messages): fall back to SMS, do not retry.
UNKNOWN_PHONE_ERRORS = frozenset({-108, -118, -119})
# Codes worth a retry (quota, a busy server); anything else is refused for good.
RETRY_ERRORS = frozenset({-1, -32, -124})


class UnknownPhone(PermanentFailure):
    """Zalo does not know this phone number (or cannot reach it): send an SMS instead."""


def normalise_phone(raw: str) -> str:
    """A Vietnamese number as Zalo wants it: 84 and the national number, digits only
    ("0912 345 678", "+84912345678" → "84912345678"). Empty when it is not a valid one."""
    try:
        number = phonenumbers.parse(raw or "", "VN")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number) or number.country_code != 84:
        return ""
    return f"84{number.national_number}"


@dataclass(frozen=True)
class Sent:
    msg_id: str
    answer: dict[str, Any]


class ZnsClient:
    def __init__(self, *, url: str, access_token: str, timeout: float) -> None:
        self.url, self.access_token, self.timeout = url, access_token, timeout

    @classmethod
    def from_settings(cls) -> ZnsClient:
        return cls(url=settings.ONESTOP_ZALO_URL, access_token=settings.ONESTOP_ZALO_TOKEN,
                   timeout=settings.ONESTOP_NOTIFY_TIMEOUT)

    def send(self, *, phone: str, template_id: str, template_data: dict[str, Any],
             tracking_id: str) -> Sent:
        body = json.dumps({"phone": phone, "template_id": template_id,
                           "template_data": template_data, "tracking_id": tracking_id},
                          ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "access_token": self.access_token})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"Zalo: HTTP {exc.code}") from exc
        except OSError as exc:  # timeouts included
            raise DeliveryError(f"Zalo unreachable: {exc}") from exc
        try:
            answer = json.loads(raw)
            error = int(answer.get("error", -1))
        except (ValueError, AttributeError) as exc:
            raise DeliveryError("Zalo: the answer is not JSON") from exc
        message = str(answer.get("message", ""))[:300]
        if error in UNKNOWN_PHONE_ERRORS:
            raise UnknownPhone(f"Zalo error {error}: {message}")
        if error in RETRY_ERRORS:
            raise DeliveryError(f"Zalo error {error}: {message}")
        if error != 0:
            raise PermanentFailure(f"Zalo error {error}: {message}")
        msg_id = str((answer.get("data") or {}).get("msg_id", ""))
        if not msg_id:
            raise DeliveryError("Zalo: no msg_id in the answer")
        return Sent(msg_id=msg_id, answer=answer)


class ZaloChannel:
    """One ZNS message; the delivery's message id is the tracking_id, so a message sent
    again after a worker died mid-send carries the same one (docs/notifications.md)."""

    def send(self, delivery: Delivery) -> None:
        if not delivery.address:
            raise UnknownPhone("no phone number")
        template_id = str(delivery.payload.get("template_id", ""))
        if not template_id:
            raise PermanentFailure("no Zalo template for this event")
        sent = ZnsClient.from_settings().send(
            phone=delivery.address, template_id=template_id,
            template_data=delivery.payload.get("template_data", {}),
            tracking_id=delivery.message_id)
        Delivery.objects.filter(pk=delivery.pk).update(provider_message_id=sent.msg_id)


def signature(*, app_id: str, body: bytes, timestamp: str, secret: str) -> str:
    digest = hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret.encode())
    return "mac=" + digest.hexdigest()


def signature_ok(*, header: str, body: bytes, timestamp: str) -> bool:
    expected = signature(app_id=settings.ONESTOP_ZALO_APP_ID, body=body,
                         timestamp=timestamp, secret=settings.ONESTOP_ZALO_OA_SECRET)
    given = header.strip()
    if not given.startswith("mac="):
        given = "mac=" + given
    return hmac.compare_digest(expected, given)
