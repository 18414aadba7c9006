"""Channels: how one delivery reaches its recipient (a small registry, ARCHITECTURE §6).

A channel's `send` raises `DeliveryError` on failure (the task retries with back-off), or
`PermanentFailure` when retrying cannot help (a push subscription that no longer exists).
SMS goes through a provider registry of its own: a console provider for local use and an
HTTP provider that posts JSON to the gateway the city contracts.

Every send carries the delivery's message id (`Delivery.message_id`, the same on every
attempt), so that a message sent again after a worker died mid-send is recognised where the
channel allows it: the SMS gateway gets it as `Idempotency-Key` and in the body, an e-mail as
its Message-ID, a push message as its Topic and its notification tag (docs/notifications.md).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage

from .models import ChannelName, Delivery, Notification, PushSubscription

logger = logging.getLogger("onestop.notifications")


class DeliveryError(Exception):
    """Sending failed; trying again later may work."""


class PermanentFailure(DeliveryError):
    """Sending can never work for this delivery; do not retry."""


class Channel(Protocol):
    def send(self, delivery: Delivery) -> None: ...


# ---- e-mail ---------------------------------------------------------------------------------

class EmailChannel:
    """Django's mail backends: console locally, SMTP in production (ONESTOP_EMAIL_BACKEND)."""

    def send(self, delivery: Delivery) -> None:
        if not delivery.address:
            raise PermanentFailure("no e-mail address")
        body = delivery.body + (f"\n\n{delivery.link}" if delivery.link else "")
        # SMTP has no idempotency: a message sent again is delivered again. A fixed
        # Message-ID lets mail systems that de-duplicate by it (many do) show it once.
        message = EmailMessage(delivery.subject, body, None, [delivery.address],
                               headers={"Message-ID": f"<{delivery.message_id}@{_mail_domain()}>"})
        try:
            message.send(fail_silently=False)
        except Exception as exc:  # SMTP and socket errors alike: retry later
            raise DeliveryError(f"e-mail: {exc}") from exc


# ---- SMS ------------------------------------------------------------------------------------

def _mail_domain() -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    return sender.rpartition("@")[2].strip(" >") or "localhost"


class SmsProvider(Protocol):
    def send(self, *, to: str, text: str, message_id: str) -> None: ...


class ConsoleSmsProvider:
    """For local use and demos: the message goes to the log, nothing leaves the machine."""

    sent: list[tuple[str, str]] = []  # kept for inspection in a shell session

    def send(self, *, to: str, text: str, message_id: str) -> None:
        logger.info("SMS %s to %s: %s", message_id, to, text)
        ConsoleSmsProvider.sent.append((to, text))
        del ConsoleSmsProvider.sent[:-100]


class HttpSmsProvider:
    """POSTs {"id", "to", "text", "sender"} as JSON with a bearer token to a configurable
    endpoint, with the message id also as the `Idempotency-Key` header.

    Most Vietnamese SMS gateways (brandname SMS) take one JSON request per message, and many
    take a client message id they use to drop a message sent twice; a gateway with another
    shape gets its own small provider class in this registry, which maps the id to the
    gateway's field.
    """

    def __init__(self, *, url: str, token: str, sender: str, timeout: float) -> None:
        if not url:
            raise ImproperlyConfigured("ONESTOP_SMS_HTTP_URL must be set for the HTTP provider")
        self.url, self.token, self.sender, self.timeout = url, token, sender, timeout

    def send(self, *, to: str, text: str, message_id: str) -> None:
        payload = json.dumps({"id": message_id, "to": to, "text": text,
                              "sender": self.sender}).encode()
        request = urllib.request.Request(self.url, data=payload, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.token}",
            "Idempotency-Key": message_id,
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500 and exc.code not in (408, 429):
                raise PermanentFailure(f"SMS gateway refused: HTTP {exc.code}") from exc
            raise DeliveryError(f"SMS gateway: HTTP {exc.code}") from exc
        except OSError as exc:
            raise DeliveryError(f"SMS gateway unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise DeliveryError(f"SMS gateway: HTTP {status}")


def _http_provider() -> SmsProvider:
    return HttpSmsProvider(
        url=settings.ONESTOP_SMS_HTTP_URL, token=settings.ONESTOP_SMS_HTTP_TOKEN,
        sender=settings.ONESTOP_SMS_SENDER, timeout=settings.ONESTOP_NOTIFY_TIMEOUT,
    )


SMS_PROVIDERS: dict[str, Callable[[], SmsProvider]] = {
    "console": ConsoleSmsProvider,
    "http": _http_provider,
}


def sms_provider() -> SmsProvider:
    name = settings.ONESTOP_SMS_PROVIDER
    try:
        return SMS_PROVIDERS[name]()
    except KeyError as exc:
        raise ImproperlyConfigured(
            f"ONESTOP_SMS_PROVIDER={name!r} is not one of {sorted(SMS_PROVIDERS)}"
        ) from exc


class SmsChannel:
    def send(self, delivery: Delivery) -> None:
        if not delivery.address:
            raise PermanentFailure("no phone number")
        sms_provider().send(to=delivery.address, text=f"{delivery.subject}: {delivery.body}",
                            message_id=delivery.message_id)


# ---- in-app feed ----------------------------------------------------------------------------

class InAppChannel:
    def send(self, delivery: Delivery) -> None:
        if delivery.user_id is None:
            raise PermanentFailure("no account")
        # get_or_create on the one-to-one delivery: a second run adds no second entry.
        Notification.objects.get_or_create(delivery=delivery, defaults={
            "user_id": delivery.user_id, "event": delivery.event, "title": delivery.subject,
            "body": delivery.body, "link": delivery.link, "dossier_id": delivery.dossier_id,
            "created_at": delivery.created_at,
        })


# ---- Web Push -------------------------------------------------------------------------------

class PushChannel:
    """Web Push (RFC 8030, VAPID RFC 8292, aes128gcm RFC 8291) through pywebpush."""

    def send(self, delivery: Delivery) -> None:
        from pywebpush import WebPushException, webpush

        private_key = settings.ONESTOP_VAPID_PRIVATE_KEY
        if not private_key:
            raise PermanentFailure("Web Push is not configured (ONESTOP_VAPID_PRIVATE_KEY)")
        from py_vapid import Vapid02

        # A PEM key (what `vapid --gen` writes) or its base64url DER form, both accepted.
        vapid = (Vapid02.from_pem(private_key.encode()) if "-----BEGIN" in private_key
                 else Vapid02.from_string(private_key))
        subscription = PushSubscription.objects.filter(pk=delivery.address or 0).first()
        if subscription is None:
            raise PermanentFailure("the device was unregistered")
        # The tag makes a browser replace, not add, a notification shown twice; the Topic
        # (RFC 8030 §5.4, at most 32 URL-safe characters) makes the push service replace a
        # copy it has not delivered yet.
        data = json.dumps({"title": delivery.subject, "body": delivery.body,
                           "url": delivery.link, "tag": delivery.message_id},
                          ensure_ascii=False)
        try:
            webpush(
                subscription_info={"endpoint": subscription.endpoint,
                                   "keys": {"p256dh": subscription.p256dh,
                                            "auth": subscription.auth}},
                data=data, vapid_private_key=vapid,
                vapid_claims={"sub": settings.ONESTOP_VAPID_SUBJECT},
                timeout=settings.ONESTOP_NOTIFY_TIMEOUT, ttl=24 * 3600,
                headers={"Topic": delivery.message_id.replace("-", "")[-32:]},
            )
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            if status in (404, 410):  # the browser dropped the subscription: forget it
                subscription.delete()
                raise PermanentFailure(f"push subscription gone (HTTP {status})") from exc
            raise DeliveryError(f"push: {exc}") from exc
        except Exception as exc:  # network errors from requests
            raise DeliveryError(f"push: {exc}") from exc


CHANNELS: dict[str, Callable[[], Channel]] = {
    ChannelName.EMAIL: EmailChannel,
    ChannelName.SMS: SmsChannel,
    ChannelName.IN_APP: InAppChannel,
    ChannelName.PUSH: PushChannel,
}


def channel_for(name: str) -> Channel:
    if name == ChannelName.ZALO and name not in CHANNELS:
        from .zalo import ZaloChannel  # zalo imports this module: registered on first use

        CHANNELS[name] = ZaloChannel
    return CHANNELS[name]()
