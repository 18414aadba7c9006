"""Where a result goes by post, the shipments handed to the postal service, and every
status callback received (applied or refused, with the reason)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeliveryAddress(models.Model):
    """The address the applicant registered for the result (form 01, "Đăng ký nhận kết quả
    tại": by the public postal service)."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE,
                                   related_name="postal_address", verbose_name=_("dossier"))
    recipient = models.CharField(_("recipient"), max_length=200)
    phone = models.CharField(_("recipient phone"), max_length=20)
    address = models.CharField(_("delivery address"), max_length=400)
    province = models.CharField(_("province or city"), max_length=100)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivery address")
        verbose_name_plural = _("delivery addresses")

    def __str__(self) -> str:
        return self.one_line()

    def one_line(self) -> str:
        return f"{self.recipient}, {self.address}, {self.province}"


class Shipment(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("being handed over")
        REFUSED = "refused", _("refused by the postal service")
        ERROR = "error", _("postal service unreachable")
        HANDED_OVER = "handed_over", _("handed to the postal service")
        ACCEPTED = "accepted", _("accepted by the postal service")
        IN_TRANSIT = "in_transit", _("in transit")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("delivery failed")
        RETURNED = "returned", _("returned to the centre")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT,
                                related_name="shipments", verbose_name=_("dossier"))
    provider = models.CharField(_("postal provider"), max_length=30)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.REQUESTED)
    tracking_code = models.CharField(_("tracking code"), max_length=40, null=True, blank=True,
                                     unique=True)
    recipient = models.CharField(_("recipient"), max_length=200)
    phone = models.CharField(_("recipient phone"), max_length=20)
    address = models.CharField(_("delivery address"), max_length=400)
    province = models.CharField(_("province or city"), max_length=100)
    fee_amount = models.BigIntegerField(_("delivery fee (VND)"))
    fee_item = models.ForeignKey("payments.FeeItem", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=400, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.CheckConstraint(condition=Q(fee_amount__gte=0),
                                   name="shipment_fee_non_negative"),
        ]

    def __str__(self) -> str:
        return self.tracking_code or f"#{self.pk}"


# Shipments that still count as "with the postal service" (no second hand-over meanwhile).
ACTIVE = (Shipment.Status.REQUESTED, Shipment.Status.HANDED_OVER, Shipment.Status.ACCEPTED,
          Shipment.Status.IN_TRANSIT)
FINAL = (Shipment.Status.DELIVERED, Shipment.Status.RETURNED)


class Callback(models.Model):
    """One status callback as received, whatever became of it (nothing is lost)."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("applied")
        FORGED = "forged", _("refused: bad signature")
        REPLAYED = "replayed", _("refused: replayed")
        UNKNOWN = "unknown", _("refused: unknown shipment")
        MALFORMED = "malformed", _("refused: not readable")
        IGNORED = "ignored", _("recorded: out of order")

    provider = models.CharField(_("postal provider"), max_length=30)
    received_at = models.DateTimeField(default=timezone.now)
    event_id = models.CharField(max_length=80, blank=True)
    tracking_code = models.CharField(_("tracking code"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=12, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=400, blank=True)
    body = models.TextField(blank=True)
    shipment = models.ForeignKey(Shipment, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="callbacks")
    seen_by_officer = models.BooleanField(default=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("postal callback")
        verbose_name_plural = _("postal callbacks")
        constraints = [
            # An event applies once: a replay of an applied event is recorded, never applied.
            models.UniqueConstraint(fields=["provider", "event_id"],
                                    condition=Q(outcome="applied"),
                                    name="postal_callback_applied_once"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id} {self.outcome}"
