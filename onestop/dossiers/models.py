"""Dossiers (hồ sơ) and what happens to them.

Models hold fields, constraints and small derived properties only. Every change of state
goes through onestop.dossiers.services, checked against onestop.dossiers.transitions.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency, Role
from onestop.catalog.models import ProcedureVersion, RequiredDocument


class Status(models.IntegerChoices):
    """TrangThaiHoSo: the national public service portal's status codes (docs/domain.md §5)."""

    SUBMITTED = 1, _("Submitted online")
    RECEIVED = 2, _("Received")
    REFUSED = 3, _("Refused at receipt")
    IN_PROCESS = 4, _("In process")
    SUPPLEMENT = 5, _("Supplement requested")
    AWAITING_PAYMENT = 6, _("Awaiting payment")
    WITHDRAWN = 7, _("Withdrawn by applicant")
    STOPPED = 8, _("Processing stopped")
    RESULT_READY = 9, _("Result ready")
    RETURNED = 10, _("Result returned")


# Statuses in which the legal clock may run (1 has not started it; 5 always stops it). In
# status 6 it stands still only when the procedure excludes the time to meet financial
# obligations (ProcedureVersion.payment_pauses_clock): `Dossier.paused_at` is the one fact
# that says the clock is stopped (onestop.dossiers.services.clock).
CLOCK_RUNNING = (Status.RECEIVED, Status.IN_PROCESS, Status.AWAITING_PAYMENT)
CLOCK_RUNNING_Q = models.Q(status__in=[int(s) for s in CLOCK_RUNNING], paused_at__isnull=True)
# Reports group 5, 6 and 8 as "paused" (tạm dừng).
PAUSED = (Status.SUPPLEMENT, Status.AWAITING_PAYMENT, Status.STOPPED)
FINISHED = (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RESULT_READY, Status.RETURNED)
# Dossiers somebody still has to act on (result ready still has to be returned).
OPEN = (Status.SUBMITTED, Status.RECEIVED, Status.IN_PROCESS, Status.SUPPLEMENT,
        Status.AWAITING_PAYMENT, Status.RESULT_READY)
OPEN_Q = models.Q(status__in=[int(s) for s in OPEN])


class Channel(models.IntegerChoices):
    """KenhThucHien: how the dossier was filed."""

    COUNTER = 1, _("At the counter")
    ONLINE = 2, _("Online")
    POST = 3, _("Public postal service")


class ResultDelivery(models.TextChoices):
    """Where the applicant registered to receive the result (form 01, "Đăng ký nhận kết quả
    tại"): at the counter, or by the public postal service (KenhThucHien 3 for the return)."""

    COUNTER = "counter", _("at the counter")
    POST = "post", _("by the public postal service")


class ApplicantKind(models.TextChoices):
    """The service index is "for citizens and businesses" (Decision 766/QĐ-TTg): an applicant
    is a person or an organisation (addressed "Ông/Bà" or "Tổ chức" on the forms)."""

    INDIVIDUAL = "individual", _("individual")
    ORGANISATION = "organisation", _("organisation")


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
    applicant_id_number = models.CharField(_("citizen ID (CCCD)"), max_length=12, blank=True)
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
    filer_id_number = models.CharField(_("CCCD of the person filing"), max_length=12,
                                       blank=True)
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
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
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


class SupplementRequest(models.Model):
    """Yêu cầu bổ sung (form 02): pauses the legal clock until the documents arrive."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="supplements", verbose_name=_("dossier")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    reason = models.TextField(_("reason"))
    items = models.TextField(_("documents to supplement"))
    resolved_at = models.DateTimeField(_("supplemented at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paused_seconds = models.PositiveIntegerField(_("working seconds paused"), default=0)
    # The status to go back to when the documents arrive (received or in process).
    resume_status = models.PositiveSmallIntegerField(choices=Status.choices)

    class Meta:
        ordering = ["dossier", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=models.Q(resolved_at__isnull=True),
                name="one_open_supplement_per_dossier",
            )
        ]


class ClockPause(models.Model):
    """A stretch of time the legal clock stood still (onestop.dossiers.services.clock).

    A supplement request always stops it; the wait for financial obligations (status 6)
    stops it only when the procedure excludes that time (ProcedureVersion.
    payment_pauses_clock). The working seconds are stored when the clock resumes.
    """

    class Kind(models.TextChoices):
        SUPPLEMENT = "supplement", _("supplement requested")
        PAYMENT = "payment", _("financial obligation")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="pauses", verbose_name=_("dossier")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    started_at = models.DateTimeField(_("paused at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    working_seconds = models.PositiveIntegerField(_("working seconds paused"), default=0)

    class Meta:
        ordering = ["dossier", "started_at", "id"]
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=models.Q(ended_at__isnull=True),
                name="one_open_clock_pause_per_dossier",
            )
        ]


class ApologyLetter(models.Model):
    """Form 04: apology and extension, prepared by the sweep, signed by a leader.

    Decree 61/2018/NĐ-CP Art. 19 (kept by Decree 118/2025/NĐ-CP, docs/legal-rules.md): the
    letter reaches the applicant no later than one working day before the deadline
    (`send_by`), and the appointment is moved only once. A letter signed later is still
    sent (an apology is owed) but the dossier stays late.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("awaiting signature")
        SIGNED = "signed", _("signed")
        DISMISSED = "dismissed", _("dismissed")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="apologies", verbose_name=_("dossier")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    prepared_at = models.DateTimeField(_("prepared at"))
    reason = models.TextField(_("reason for the delay"))
    old_appointment_at = models.DateTimeField(_("previous appointment"))
    proposed_appointment_at = models.DateTimeField(_("new appointment"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    # One working day before the legal due moment, computed when the letter is prepared.
    send_by = models.DateTimeField(_("to reach the applicant by"), null=True, blank=True)

    class Meta:
        ordering = ["dossier", "prepared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=models.Q(state="draft"),
                name="one_draft_apology_per_dossier",
            )
        ]

    @property
    def in_time(self) -> bool | None:
        """Signed no later than `send_by`; None while not signed (or for old rows)."""
        if self.signed_at is None or self.send_by is None:
            return None
        return self.signed_at <= self.send_by


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


# ---- what a dossier owes and how it was paid (onestop.dossiers.services.fees) --------------
# The payments core knows fee items and payments, never dossiers: the links are the dossier's.

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
