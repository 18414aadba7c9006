"""Bills hub: billers (electricity, water, schools, hospitals), their bills, their callbacks.

A bill is paid through the payments core: it owns one FeeItem (the generic payable), a
Payment covers that item, and settling the payment marks the bill paid and writes a
signed callback to the biller in the same transaction (BillerCallback, an outbox).
Amounts are integer VND.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency
from onestop.payments.models import FeeItem, Payment


class Biller(models.Model):
    class Kind(models.TextChoices):
        ELECTRICITY = "electricity", _("electricity")
        WATER = "water", _("water")
        SCHOOL = "school", _("school")
        HOSPITAL = "hospital", _("hospital")
        # The tax authority collecting taxes through the hub (onestop.guide's tax page): the
        # citizen pays by the identifier of the amount due (mã định danh khoản phải nộp) from
        # the tax notice, which stands as the bill's customer code. Declaring tax stays with
        # the national e-tax system.
        TAX = "tax", _("tax authority (amount due)")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # The agency that collects on the biller's behalf: its receipt series numbers the
    # receipts of bill payments.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="billers",
                               verbose_name=_("collecting agency"))
    callback_url = models.URLField(_("callback URL"), blank=True)
    # Shared with the biller to sign callbacks (HMAC-SHA256); must be readable to sign.
    callback_secret = models.CharField(_("callback secret"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("biller")
        verbose_name_plural = _("billers")

    def __str__(self) -> str:
        return self.name


class BillerApiKey(models.Model):
    """An API key of a biller. Only its SHA-256 is stored; the key is shown once."""

    biller = models.ForeignKey(Biller, on_delete=models.CASCADE, related_name="api_keys")
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.prefix}…"


class Bill(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("to pay")
        PAID = "paid", _("paid")
        CANCELLED = "cancelled", _("cancelled")

    biller = models.ForeignKey(Biller, on_delete=models.PROTECT, related_name="bills",
                               verbose_name=_("biller"))
    number = models.CharField(_("bill number"), max_length=40)
    customer_code = models.CharField(_("customer code"), max_length=40)
    customer_name = models.CharField(_("customer name"), max_length=200)
    period = models.CharField(_("period"), max_length=20)
    amount = models.BigIntegerField(_("amount (VND)"))
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.OPEN)
    fee_item = models.OneToOneField(FeeItem, on_delete=models.PROTECT, related_name="bill")
    paid_by = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("paid by"))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["biller", "customer_code", "due_date", "id"]
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        constraints = [
            models.UniqueConstraint(fields=["biller", "number"], name="bill_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bill_amount_positive"),
        ]
        indexes = [models.Index(fields=["biller", "customer_code", "state"])]

    def __str__(self) -> str:
        return f"{self.biller.code}/{self.number}"


class BillerCallback(models.Model):
    """A signed notice to the biller that one of its bills was paid (an outbox row).

    Written in the settle transaction; delivered (POST JSON, X-Signature: hex HMAC-SHA256 of
    the body with the biller's callback secret) until the biller answers 2xx.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("to deliver")
        DELIVERED = "delivered", _("acknowledged")
        GAVE_UP = "gave_up", _("gave up")

    biller = models.ForeignKey(Biller, on_delete=models.PROTECT, related_name="callbacks")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="callbacks")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField()
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("biller callback")
        verbose_name_plural = _("biller callbacks")
        constraints = [
            models.UniqueConstraint(fields=["bill", "payment"], name="one_callback_per_payment"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
