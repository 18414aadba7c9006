"""The procedure catalog: versioned data with validity periods and draft/published states.

A `Procedure` is the stable identity (its national code); everything a citizen or the
processing rules depend on lives in a `ProcedureVersion`, so a dossier keeps the rules it
was filed under when the catalog changes later.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import STEP_ROLES, Agency
from onestop.core.text import fold


class Field(models.Model):
    """Lĩnh vực: the sector a procedure belongs to (civil status, land, construction, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    # National database code, e.g. 1.001193
    code = models.CharField(_("national code"), max_length=32, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self) -> str:
        return self.code


class ProcedureVersion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        RETIRED = "retired", _("retired")

    class PaymentTiming(models.TextChoices):
        # When the fees of a dossier must be paid (onestop.payments): before processing
        # starts or before the result is handed over; meanwhile the dossier waits in status 6.
        NONE = "none", _("no payment needed to proceed")
        BEFORE_PROCESSING = "before_processing", _("paid before processing")
        BEFORE_RETURN = "before_return", _("paid before the result is returned")

    class OnlineLevel(models.TextChoices):
        FULL = "full", _("fully online")
        PARTIAL = "partial", _("partially online")
        NONE = "none", _("not online")

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="versions", verbose_name=_("procedure")
    )
    number = models.PositiveIntegerField(_("version"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until (exclusive)"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("name in English"), max_length=500, blank=True)
    field = models.ForeignKey(Field, on_delete=models.PROTECT, verbose_name=_("field"))
    competent_agencies = models.ManyToManyField(
        Agency, related_name="competent_for", verbose_name=_("competent agencies")
    )
    # Legal processing time in working days; decimals occur (0.5 day).
    processing_days = models.DecimalField(
        _("processing time (working days)"), max_digits=6, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    result_type = models.CharField(_("result"), max_length=300)
    online_level = models.CharField(
        _("online level"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.PARTIAL
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    # Parts of every administrative procedure under Decree 63/2010/NĐ-CP Art. 8 (the
    # requirements a regulation on a procedure must meet): cl. 1 lists the parts every
    # procedure has, among them the steps to follow (point b, trình tự thực hiện) and who
    # may use it (point e, đối tượng thực hiện); cl. 2 adds the forms (mẫu đơn, mẫu tờ khai),
    # the conditions (yêu cầu, điều kiện) and the fees where a procedure has them. Art. 8
    # says what a procedure consists of, not how it is published; the national procedure
    # database publishes these same parts for every procedure. Part of the version: a new
    # version may change them.
    applicant_steps = models.TextField(
        _("steps to follow"), blank=True,
        help_text=_("Trình tự thực hiện: one step per line, in order."))
    eligible_applicants = models.TextField(
        _("who may use it"), blank=True,
        help_text=_("Đối tượng thực hiện: citizens, businesses, organisations …"))
    conditions = models.TextField(_("conditions"), blank=True)
    fee_note = models.CharField(_("fee note"), max_length=300, blank=True)
    payment_timing = models.CharField(
        _("payment of fees"), max_length=20, choices=PaymentTiming.choices,
        default=PaymentTiming.NONE,
    )
    # Whether the wait in status 6 (financial obligations) stops the legal clock. A property
    # of the procedure, not a constant: land procedures exclude the time to meet financial
    # obligations from their processing time; most procedures do not
    # (onestop.dossiers.services.clock, docs/legal-rules.md).
    payment_pauses_clock = models.BooleanField(
        _("payment wait stops the clock"), default=False,
        help_text=_("Tick when the procedure's rules do not count the time the applicant "
                    "takes to meet financial obligations (e.g. land procedures)."),
    )
    # Folded copies (onestop.core.text.fold) for accent- and case-blind search that answers
    # the same on SQLite and PostgreSQL; filled by save() and onestop.catalog.search.
    search_name = models.TextField(editable=False, blank=True, default="")
    search_text = models.TextField(editable=False, blank=True, default="")

    # Fields whose change alters the folded copies (documents and the field's name are
    # followed by the signal handlers in onestop.catalog.search).
    SEARCH_SOURCES = frozenset({"name", "name_en", "legal_basis", "conditions", "result_type",
                                "field", "procedure"})

    class Meta:
        ordering = ["procedure__code", "-number"]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedure_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gt=models.F("valid_from")),
                name="procedure_version_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} – {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or self.SEARCH_SOURCES & set(update_fields):
            self.search_name, self.search_text = self.folded_search_texts()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_name", "search_text"}
        super().save(*args, **kwargs)

    def folded_search_texts(self) -> tuple[str, str]:
        """(name, everything else) folded: the name ranks first in search results."""
        name = fold(f"{self.name} {self.name_en}")
        parts = [self.procedure.code if self.procedure_id else "", self.legal_basis,
                 self.conditions, self.result_type]
        if self.field_id:
            parts += [self.field.name, self.field.name_en]
        if self.pk:
            parts += [f"{n} {e}" for n, e in self.documents.values_list("name", "name_en")]
        return name, fold(" ".join(parts))

    def is_valid_on(self, day: datetime.date) -> bool:
        return (
            self.state == self.State.PUBLISHED
            and self.valid_from is not None
            and self.valid_from <= day
            and (self.valid_to is None or day < self.valid_to)
        )

    def applicant_step_list(self) -> list[str]:
        return [line.strip() for line in self.applicant_steps.splitlines() if line.strip()]


class RequiredDocument(models.Model):
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="documents",
        verbose_name=_("procedure version"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("name in English"), max_length=500, blank=True)
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    optional = models.BooleanField(_("optional"), default=False)
    template = models.FileField(_("template"), upload_to="templates/", blank=True)
    # The declaration (tờ khai) a citizen filing online may fill in as the version's
    # electronic form instead of uploading a scan: the filled form, printed to PDF, is
    # filed as this document (onestop.dossiers.declaration).
    electronic_form = models.BooleanField(
        _("filled in as the electronic form"), default=False,
        help_text=_("Tick for the declaration (tờ khai) whose fields the version's electronic "
                    "form asks for: online filers fill them in instead of uploading a scan."))

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    """A fee or charge (lệ phí, phí) in integer VND: money is never a float."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("fixed amount")
        PER_COPY = "per_copy", _("per copy")

    class Charge(models.TextChoices):
        # Law on Fees and Charges 2015 (Law 97/2015/QH13) Art. 3: a lệ phí is collected for a
        # public service of State administration (issuing a certificate, a registration); a
        # phí compensates the cost of a service. Receipts name which one was collected.
        LE_PHI = "le_phi", _("administrative fee (lệ phí)")
        PHI = "phi", _("charge (phí)")

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="fees",
        verbose_name=_("procedure version"),
    )
    name = models.CharField(_("name"), max_length=300)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FIXED)
    charge = models.CharField(_("fee or charge"), max_length=10, choices=Charge.choices,
                              default=Charge.LE_PHI)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} VND"


class ProcessStep(models.Model):
    """One step of the internal process (quy trình nội bộ), with its working-time allotment.

    The allotments of a version's steps add up to its legal processing time; publishing a
    version checks it (onestop.catalog.services.procedure_version_publish).
    """

    class Kind(models.TextChoices):
        RECEIVE = "receive", _("receive and hand over")
        REVIEW = "review", _("review")
        APPROVE = "approve", _("approve and sign")

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="steps",
        verbose_name=_("procedure version"),
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Empty agency: the centre that received the dossier (the usual first step).
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT,
        verbose_name=_("agency (empty = receiving centre)"),
    )
    role = models.CharField(_("role"), max_length=16, choices=STEP_ROLES)
    allotment_days = models.DecimalField(
        _("allotment (working days)"), max_digits=6, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="process_step_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class DeclarationField(models.Model):
    """One field of a version's electronic form (tờ khai điện tử).

    The declaration form (mẫu đơn, mẫu tờ khai) is a part of the procedure (Decree
    63/2010/NĐ-CP Art. 8 cl. 2), so its fields are data of the version: a new version may
    change them, and a dossier keeps the values it was filed with. The rules that check a
    value are in onestop.dossiers.declaration, one per kind.
    """

    class Kind(models.TextChoices):
        TEXT = "text", _("short text")
        TEXTAREA = "textarea", _("long text")
        DATE = "date", _("date")
        PAST_DATE = "past_date", _("date, not after the filing day")
        ID_NUMBER = "id_number", _("personal identification number")
        NUMBER = "number", _("whole number")
        CHOICE = "choice", _("one of a list")

    class Prefill(models.TextChoices):
        # What the signed-in account already knows (the citizen can still change it).
        NONE = "", _("nothing")
        FULL_NAME = "full_name", _("the account's full name")
        ID_NUMBER = "cccd", _("the account's identification number")
        PHONE = "phone", _("the account's phone")
        EMAIL = "email", _("the account's e-mail")

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="declaration_fields",
        verbose_name=_("procedure version"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.SlugField(_("key"), max_length=40,
                           help_text=_("Stable name of the value in the stored declaration."))
    section = models.CharField(_("section"), max_length=200, blank=True,
                               help_text=_("Heading the field sits under, e.g. "
                                           "'Người được đăng ký khai sinh'."))
    section_en = models.CharField(_("section in English"), max_length=200, blank=True)
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("label in English"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("required"), default=True)
    help_text = models.CharField(_("help"), max_length=300, blank=True)
    help_text_en = models.CharField(_("help in English"), max_length=300, blank=True)
    choices = models.TextField(_("choices"), blank=True,
                               help_text=_("For 'one of a list': one choice per line."))
    prefill = models.CharField(_("prefilled from"), max_length=10, choices=Prefill.choices,
                               default=Prefill.NONE, blank=True)

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = _("electronic form field")
        verbose_name_plural = _("electronic form fields")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="declaration_field_key"),
        ]

    def __str__(self) -> str:
        return self.label

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class ProcedureChannel(models.Model):
    """One way of carrying out the procedure (cách thức thực hiện: at the counter, online,
    by public post), with its processing time and its fees. The national procedure database
    publishes time and fees per channel (online filings often pay less); the version's
    `processing_days` and `fees` stay what dossiers are counted and charged with."""

    class Kind(models.IntegerChoices):
        # The national portal's KENH numbers (docs/domain.md §5: KenhThucHien).
        COUNTER = 1, _("at the counter")
        ONLINE = 2, _("online")
        POST = 3, _("by public post")

    class TimeUnit(models.TextChoices):
        WORKING_DAYS = "working_days", _("working days")
        WORKING_HOURS = "working_hours", _("working hours")
        DAYS = "days", _("calendar days")

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="channels",
        verbose_name=_("procedure version"),
    )
    kind = models.PositiveSmallIntegerField(_("channel"), choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Decimals occur (0.5 working day); never a float.
    processing_time = models.DecimalField(
        _("processing time"), max_digits=8, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    time_unit = models.CharField(_("unit"), max_length=16, choices=TimeUnit.choices,
                                 default=TimeUnit.WORKING_DAYS)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.processing_time} {self.get_time_unit_display()}"


class ChannelFee(models.Model):
    """A fee or charge of one channel, in integer VND."""

    channel = models.ForeignKey(ProcedureChannel, on_delete=models.CASCADE,
                                related_name="fees", verbose_name=_("channel"))
    name = models.CharField(_("name"), max_length=300)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    charge = models.CharField(_("fee or charge"), max_length=10, choices=Fee.Charge.choices,
                              default=Fee.Charge.LE_PHI)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["channel", "id"]
        verbose_name = _("channel fee")
        verbose_name_plural = _("channel fees")

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} VND"
