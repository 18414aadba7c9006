"""A dossier, its process steps, its documents and the counter of its codes."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import STEP_ROLES, Agency
from onestop.catalog.models import ProcedureVersion, RequiredDocument

from .statuses import (
    FINISHED,
    OPEN_Q,
    ApplicantKind,
    Channel,
    ResultDelivery,
    Status,
)


class Dossier(models.Model):
    code = models.CharField(_("dossier code"), max_length=40, unique=True, null=True, blank=True)
    procedure_version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="dossiers",
        verbose_name=_("procedure"),
    )
    receiving_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="received_dossiers",
        verbose_name=_("receiving centre"),
    )
    handling_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="handled_dossiers",
        verbose_name=_("competent agency"),
    )
    status = models.PositiveSmallIntegerField(
        _("status"), choices=Status.choices, default=Status.SUBMITTED
    )
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices)
    # Bumped on every change; forms carry it so a stale form is refused, not applied.
    version = models.PositiveIntegerField(default=1)

    applicant_name = models.CharField(_("applicant name"), max_length=200)
    applicant_id_number = models.CharField(_("personal identification number"), max_length=12,
                                           blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    # An organisation: its name is applicant_name and its head office applicant_address; it
    # files through its legal representative or a person they authorised (docs/domain.md §13).
    applicant_kind = models.CharField(_("applicant is"), max_length=12,
                                      choices=ApplicantKind.choices,
                                      default=ApplicantKind.INDIVIDUAL)
    applicant_tax_code = models.CharField(_("enterprise (tax) code"), max_length=14,
                                          blank=True, db_index=True)
    applicant_representative = models.CharField(_("legal representative"), max_length=200,
                                                blank=True)
    filer_name = models.CharField(_("person filing"), max_length=200, blank=True)
    filer_id_number = models.CharField(
        _("personal identification number of the person filing"), max_length=12, blank=True)
    authorisation = models.CharField(_("authorisation document"), max_length=300, blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="dossiers", verbose_name=_("applicant account"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("filed by officer"),
    )
    note = models.TextField(_("note"), blank=True)
    # The electronic form's values as filed ({field key: text}, dates as YYYY-MM-DD), empty
    # when the declaration was uploaded as a scan (onestop.dossiers.declaration).
    declaration = models.JSONField(_("electronic declaration"), default=dict, blank=True)
    result_delivery = models.CharField(_("result delivered"), max_length=8,
                                       choices=ResultDelivery.choices,
                                       default=ResultDelivery.COUNTER)

    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    # The appointment printed on the receipt slip (form 01), never moved afterwards.
    original_appointment_at = models.DateTimeField(_("first appointment"), null=True, blank=True)
    # The legal due moment: the receipt slip's appointment moved only by paused time
    # (supplements; the payment wait where the procedure excludes it). On time is measured
    # against it (Decision 766/QĐ-TTg); an apology never moves it.
    legal_due_at = models.DateTimeField(_("legal due moment"), null=True, blank=True)
    # The promised appointment: the legal due moment, or the one new appointment of a
    # signed apology (form 04). What the applicant is told and the work queues sort by.
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    # The processing end of docs/domain.md §6: result ready, else returned, else stopped/refused.
    finished_at = models.DateTimeField(_("processing ended at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)
    current_step = models.ForeignKey(
        "DossierStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("current step"),
    )
    # Copies of the current step's agency, role and assignee, kept by services.record(), so
    # the "mine" queue is one indexed lookup instead of a join over every step.
    current_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    current_role = models.CharField(max_length=16, blank=True)
    current_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_index=False,
    )
    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    # Set once by the deadline sweep (idempotent conditional UPDATE).
    due_soon_flagged_at = models.DateTimeField(null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["handling_agency", "status", "appointment_at"]),
            models.Index(fields=["receiving_agency", "status", "appointment_at"]),
            models.Index(fields=["status", "appointment_at"]),
            models.Index(fields=["-submitted_at"]),
            # "My dossiers" in the city app pages newest first by id; a business files
            # thousands, and without this the database sorts all of them for each page.
            models.Index(fields=["applicant", "-id"], name="dossier_applicant_newest"),
            # Work queues read open dossiers in appointment order; partial indexes keep them
            # small however many finished dossiers pile up over the years.
            models.Index(fields=["appointment_at"], condition=OPEN_Q, name="dossier_open_due"),
            models.Index(fields=["handling_agency", "appointment_at"], condition=OPEN_Q,
                         name="dossier_open_handling_due"),
            models.Index(fields=["receiving_agency", "appointment_at"], condition=OPEN_Q,
                         name="dossier_open_receiving_due"),
            models.Index(fields=["current_agency", "current_role", "appointment_at"],
                         condition=OPEN_Q, name="dossier_open_step_due"),
            models.Index(fields=["current_assignee", "appointment_at"], condition=OPEN_Q,
                         name="dossier_open_assignee_due"),
        ]

    def __str__(self) -> str:
        return self.code or _("(not yet received) #%(id)s") % {"id": self.pk}

    @property
    def is_organisation(self) -> bool:
        return self.applicant_kind == ApplicantKind.ORGANISATION

    @property
    def addressee(self) -> str:
        """How the forms address the applicant: "Tổ chức" or "Ông/Bà" (fixed Vietnamese)."""
        return "Tổ chức" if self.is_organisation else "Ông/Bà"

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def due_at(self) -> datetime.datetime | None:
        """The legal due moment (older rows without one: the appointment)."""
        return self.legal_due_at or self.appointment_at

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        """Overdue is derived, not a status: the processing end (or now) after the legal due
        moment. A paused clock is judged at the pause (late already, or not); an apology's
        new appointment does not count (Decree 61/2018/NĐ-CP Art. 19, Decision 766)."""
        due = self.due_at
        if due is None or self.status in (Status.WITHDRAWN, Status.REFUSED):
            return False
        end = self.finished_at or self.paused_at or now or timezone.now()
        return end > due

    def is_past_promise(self, now: datetime.datetime | None = None) -> bool:
        """The promised appointment (an apology's) has passed too, or the result came after it."""
        if self.appointment_at is None or self.status in (Status.WITHDRAWN, Status.REFUSED):
            return False
        end = self.finished_at or self.paused_at or now or timezone.now()
        return end > self.appointment_at


class DossierStep(models.Model):
    """One step of this dossier's process, planned at receipt from the procedure's steps."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="steps", verbose_name=_("dossier")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    role = models.CharField(_("role"), max_length=16, choices=STEP_ROLES)
    allotted_seconds = models.PositiveIntegerField(_("allotted working seconds"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("assignee"),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("finished by"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["dossier", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "order"], name="dossier_step_order_unique")
        ]
        indexes = [models.Index(fields=["agency", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    @property
    def timing(self) -> str | None:
        """early / on_time / late for a finished step (form 06), None while open."""
        if self.finished_at is None:
            return None
        if self.finished_at < self.due_at - datetime.timedelta(minutes=1):
            return "early"
        return "on_time" if self.finished_at <= self.due_at else "late"


class CodeCounter(models.Model):
    """Last sequence number used for dossier codes per agency and day of receipt.

    Incremented under a row lock inside the receipt transaction, so a rolled-back receipt
    gives its number back and committed codes stay consecutive (docs/dossier-lifecycle.md).
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="code_counter_unique")
        ]


class DossierDocument(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        SUPPLEMENT = "supplement", _("supplement")
        RESULT = "result", _("electronic result")
        # Staff only: the result the specialist drafted for the leader to approve and sign.
        DRAFT_RESULT = "draft_result", _("draft result")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="documents", verbose_name=_("dossier")
    )
    required_document = models.ForeignKey(
        RequiredDocument, null=True, blank=True, on_delete=models.SET_NULL,
        verbose_name=_("required document"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=500)
    file = models.FileField(_("file"), upload_to="dossiers/%Y/%m/", blank=True)
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["dossier", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
