"""What stops or moves the legal clock: supplement requests, clock pauses, apology letters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .dossier import Dossier
from .statuses import (
    Status,
)


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
    # The procedure's documents asked for (the applicant's answer page offers only these);
    # `items` says what else, or how.
    documents = models.ManyToManyField(
        "catalog.RequiredDocument", blank=True, related_name="+",
        verbose_name=_("documents asked for"))
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
