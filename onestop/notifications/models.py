"""Notifications: an outbox of deliveries, the in-app feed, channel preferences, push devices.

A `Delivery` row is one message to one recipient over one channel for one event. It is
written in the transaction of the event itself (onestop.dossiers.services._base.record), so
an event that is rolled back leaves no delivery behind, and delivered afterwards by a
background task. The unique constraint on (event_key, channel, recipient) makes each event
notify each recipient at most once per channel, however often the code that records it runs.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    RECEIVED = "received", _("Dossier received, with its appointment")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    PAYMENT_DUE = "payment_due", _("Payment due")
    RESULT_READY = "result_ready", _("Result ready")
    RESULT_REMINDER = "result_reminder", _("Reminder: result waiting to be collected")
    PAYMENT_REMINDER = "payment_reminder", _("Reminder: fees still owed")
    APOLOGY = "apology", _("Apology with a new appointment")
    FEEDBACK_ANSWERED = "feedback_answered", _("Feedback answered")
    # Staff: work waiting for them in the back office.
    QUEUE_ARRIVAL = "queue_arrival", _("Dossier arrived in your queue")
    APOLOGY_TO_SIGN = "apology_to_sign", _("Apology waiting for a leader's signature")
    PAYMENT_FLAGGED = "payment_flagged", _("Flagged payment waiting for an officer")


class ChannelName(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    IN_APP = "in_app", _("In the app and on the portal")
    PUSH = "push", _("Push notification on installed apps")
    ZALO = "zalo", _("Zalo messages")


class Delivery(models.Model):
    """One message of the outbox (event × channel × recipient) and how its sending went."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    # What happened, e.g. "dossier:12:v5" (a dossier's version is bumped by every change, so
    # the pair names one change exactly); the same key twice is the same event.
    event_key = models.CharField(_("event key"), max_length=120)
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=ChannelName.choices)
    # Who receives it, stable for idempotency: "user:7", "email:a@b.vn", "sms:0912…", "push:3".
    recipient = models.CharField(_("recipient"), max_length=320)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="+", verbose_name=_("user"),
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.CASCADE,
        related_name="deliveries", verbose_name=_("dossier"),
    )
    # The address at the time of the event (e-mail, phone or push endpoint id).
    address = models.CharField(_("address"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=8, default="vi")
    # Rendered when the event happens, in the recipient's language: what was said is kept.
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=500, blank=True)

    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # While SENDING: the claim expires then, so a crashed worker's row is tried again.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Channels with a template (Zalo ZNS): the template id and its parameters, filled when
    # the event happens like the subject and body.
    payload = models.JSONField(_("template data"), default=dict, blank=True)
    # The provider's id for the message (Zalo's msg_id) and what its callback said later.
    provider_message_id = models.CharField(_("provider's message id"), max_length=100,
                                           blank=True, db_index=True)
    provider_status = models.CharField(_("provider's status"), max_length=10, blank=True,
                                       choices=[("delivered", _("delivered")),
                                                ("failed", _("not delivered"))])
    provider_status_at = models.DateTimeField(_("provider's status at"), null=True,
                                              blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event_key", "channel", "recipient"],
                                    name="delivery_once_per_event_channel_recipient"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient} ({self.channel})"

    @property
    def message_id(self) -> str:
        """The same on every attempt, and unique across databases (the row's creation time
        is in it): what providers use to drop a message sent twice."""
        stamp = f"{self.pk}|{self.created_at.isoformat()}|{self.event_key}|{self.channel}"
        return f"onestop-{self.pk}-{hashlib.sha256(stamp.encode()).hexdigest()[:12]}"


class Notification(models.Model):
    """The in-app feed: what a signed-in citizen or staff member sees, read or unread."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("user"),
    )
    # One feed entry per delivery: delivering the same row twice cannot add a second entry.
    delivery = models.OneToOneField(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=500, blank=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "-id"])]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """The channels a person chose. Without a row, the defaults below apply."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference",
        verbose_name=_("user"),
    )
    email = models.BooleanField(_("e-mail"), default=True)
    sms = models.BooleanField(_("SMS"), default=False)
    in_app = models.BooleanField(_("in the app and on the portal"), default=True)
    push = models.BooleanField(_("push notifications"), default=True)
    # On only together with a ZaloConsent that is not withdrawn (services.zalo_link).
    zalo = models.BooleanField(_("Zalo messages"), default=False)
    language = models.CharField(_("language"), max_length=8, default="vi",
                                choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)

    def wants(self, channel: str) -> bool:
        return bool(getattr(self, channel, False))


class PushSubscription(models.Model):
    """A Web Push subscription of an installed app or browser (W3C Push API)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions",
        verbose_name=_("user"),
    )
    endpoint = models.URLField(_("endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    label = models.CharField(_("device"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return self.label or self.endpoint[:60]


class ZaloConsent(models.Model):
    """A citizen's agreement to receive notices on Zalo at one phone number, and when they
    took it back. Kept after withdrawal: it is the record of what they agreed to and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="zalo_consents",
        verbose_name=_("user"),
    )
    phone = models.CharField(_("phone (84…)"), max_length=15)
    agreed_at = models.DateTimeField(_("agreed at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-agreed_at", "-id"]
        verbose_name = _("Zalo consent")
        verbose_name_plural = _("Zalo consents")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(withdrawn_at=None),
                                    name="zalo_one_active_consent_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.phone})"


class ZaloTemplate(models.Model):
    """A ZNS template the city registered with Zalo for one event and language.

    `params` maps each parameter name of the template to a field of the event's context
    (code, procedure, name, appointment, reason, items, amount, centre, link, number…), so
    a template changed at Zalo is followed here in the admin, without code.
    """

    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    language = models.CharField(_("language"), max_length=8, default="vi",
                                choices=settings.LANGUAGES)
    template_id = models.CharField(_("ZNS template id"), max_length=30)
    params = models.JSONField(_("parameters"), default=dict, blank=True,
                              help_text=_("Template parameter name → event field, e.g. "
                                          "{\"ma_ho_so\": \"code\"}."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["event", "language"]
        verbose_name = _("Zalo template")
        verbose_name_plural = _("Zalo templates")
        constraints = [
            models.UniqueConstraint(fields=["event", "language"],
                                    name="zalo_template_per_event_language"),
        ]

    def __str__(self) -> str:
        return f"{self.event} ({self.language}): {self.template_id}"


class ZaloCallback(models.Model):
    """Every delivery-status callback received from Zalo, accepted or refused, with why."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        DUPLICATE = "duplicate", _("already known, ignored")
        FORGED = "forged", _("refused: bad signature")
        STALE = "stale", _("refused: too old (replayed?)")
        UNKNOWN = "unknown", _("refused: unknown message")
        INVALID = "invalid", _("refused: malformed")

    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    event_name = models.CharField(_("event"), max_length=60, blank=True)
    msg_id = models.CharField(_("message id"), max_length=100, blank=True)
    delivery = models.ForeignKey(Delivery, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("delivery"))
    body = models.TextField(_("body"), blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("Zalo callback")
        verbose_name_plural = _("Zalo callbacks")

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.outcome} {self.msg_id}"
