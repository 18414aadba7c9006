"""What a dossier owes and how it was paid: the dossier's links to the payments core
(onestop.dossiers.services.fees). Payments knows fee items and payments, never dossiers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .dossier import Dossier


class DossierFeeItem(models.Model):
    """A fee item the dossier owes: from its fee schedule at receipt, or an obligation."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="fee_links",
                                verbose_name=_("dossier"))
    item = models.OneToOneField("payments.FeeItem", on_delete=models.CASCADE,
                                related_name="dossier_link", verbose_name=_("fee item"))

    class Meta:
        verbose_name = _("dossier fee item")
        verbose_name_plural = _("dossier fee items")


class DossierPayment(models.Model):
    """A payment made for what the dossier owes (online or in cash at the counter)."""

    class Purpose(models.TextChoices):
        FEES = "fees", _("fees and charges")
        OBLIGATION = "obligation", _("financial obligation")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payment_links",
                                verbose_name=_("dossier"))
    payment = models.OneToOneField("payments.Payment", on_delete=models.CASCADE,
                                   related_name="dossier_link", verbose_name=_("payment"))
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices,
                               default=Purpose.FEES)

    class Meta:
        verbose_name = _("dossier payment")
        verbose_name_plural = _("dossier payments")
