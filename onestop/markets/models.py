"""Cashless markets ("Chợ 4.0"): markets, stalls with a static VietQR each, and the
vendors' bank transactions imported from their feed. Amounts are integer VND."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import AdministrativeUnit


class Market(models.Model):
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT,
                             related_name="markets", verbose_name=_("commune unit"))
    address = models.CharField(_("address"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("market")
        verbose_name_plural = _("markets")

    def __str__(self) -> str:
        return self.name


class Stall(models.Model):
    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="stalls",
                               verbose_name=_("market"))
    number = models.CharField(_("stall number"), max_length=10)
    vendor_name = models.CharField(_("vendor"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    bank_bin = models.CharField(_("bank BIN"), max_length=6,
                                validators=[RegexValidator(r"^\d{6}$")])
    account = models.CharField(_("account number"), max_length=19,
                               validators=[RegexValidator(r"^[0-9A-Za-z]{1,19}$")])
    goods = models.CharField(_("goods"), max_length=200, blank=True)

    class Meta:
        ordering = ["market", "number"]
        verbose_name = _("stall")
        verbose_name_plural = _("stalls")
        constraints = [
            models.UniqueConstraint(fields=["market", "number"], name="stall_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.market.name} – {self.number}"


class StallTransaction(models.Model):
    """One credit to a vendor's account, from the vendors' transaction feed (append-only)."""

    stall = models.ForeignKey(Stall, on_delete=models.PROTECT, related_name="transactions")
    bank_txn_id = models.CharField(_("bank transaction"), max_length=100, unique=True)
    occurred_at = models.DateTimeField(_("time"))
    amount = models.BigIntegerField(_("amount (VND)"))
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("stall transaction")
        verbose_name_plural = _("stall transactions")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0),
                                   name="stall_transaction_amount_positive"),
        ]
        indexes = [models.Index(fields=["stall", "occurred_at"])]
