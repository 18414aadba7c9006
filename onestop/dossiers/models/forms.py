"""Issued forms (Circular 03/2025/TT-VPCP forms 01–07) and their register numbers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency

from .dossier import Dossier


class FormKind(models.TextChoices):
    """The numbered one-stop forms (Circular 03/2025/TT-VPCP, Appendix I)."""

    RECEIPT = "01", _("01 receipt and appointment slip")
    SUPPLEMENT = "02", _("02 request to supplement")
    REFUSAL = "03", _("03 refusal to receive")
    APOLOGY = "04", _("04 apology and extension")
    STOP = "05", _("05 notice of stopping processing")


class FormCounter(models.Model):
    """Last number of each agency's register of one form in one year (Decree 30/2020/NĐ-CP:
    numbers run from 01 on 1 January to 31 December)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT)
    form = models.CharField(max_length=2, choices=FormKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "form", "year"], name="form_counter_unique")
        ]


class IssuedForm(models.Model):
    """One issued form with its number and symbol ("Số: 05/XL-STP"), separate from the code.

    Taken in the transaction of the service that issues the form (receipt, supplement
    request, refusal, signed apology, stop), so the register has no gap and a form printed
    twice shows the same number.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("issued by"))
    form = models.CharField(_("form"), max_length=2, choices=FormKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    symbol = models.CharField(_("symbol"), max_length=40)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="issued_forms",
                                verbose_name=_("dossier"))
    # The form's own record where a dossier has several (a supplement request, a letter).
    object_id = models.CharField(max_length=20, blank=True, default="")
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        ordering = ["agency", "form", "year", "number"]
        verbose_name = _("issued form")
        verbose_name_plural = _("issued forms")
        constraints = [
            models.UniqueConstraint(fields=["agency", "form", "year", "number"],
                                    name="issued_form_number_unique"),
            models.UniqueConstraint(fields=["form", "dossier", "object_id"],
                                    name="issued_form_once"),
        ]

    @property
    def number_line(self) -> str:
        """'05/XL-STP': numbers below 10 with a leading zero (Decree 30/2020/NĐ-CP)."""
        return f"{self.number:02d}/{self.symbol}"
