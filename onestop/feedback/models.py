"""Satisfaction ratings of returned dossiers, and citizens' feedback (phản ánh, kiến nghị).

Models hold fields, constraints and small derived properties only. Every write goes through
onestop.feedback.services; the feedback's allowed moves are in onestop.feedback.transitions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency
from onestop.catalog.models import Procedure
from onestop.dossiers.models import Dossier

SCORE_MIN = 1
SCORE_MAX = 5


class RatingCriterion(models.Model):
    """One question of the satisfaction survey; data, so the city can change the list."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("rating criterion")
        verbose_name_plural = _("rating criteria")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the reader's language (Vietnamese unless English is chosen and given)."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Rating(models.Model):
    """The applicant's rating of one returned dossier: one per dossier, never edited."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, related_name="rating", verbose_name=_("dossier")
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("citizen"),
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("rated at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return str(self.dossier)


class RatingScore(models.Model):
    rating = models.ForeignKey(
        Rating, on_delete=models.CASCADE, related_name="scores", verbose_name=_("rating")
    )
    criterion = models.ForeignKey(
        RatingCriterion, on_delete=models.PROTECT, related_name="scores",
        verbose_name=_("criterion"),
    )
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        ordering = ["rating", "criterion__order", "criterion_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["rating", "criterion"], name="rating_score_unique"),
            models.CheckConstraint(
                condition=models.Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="rating_score_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class FeedbackState(models.TextChoices):
    RECEIVED = "received", _("received")
    ANSWERED = "answered", _("answered")
    PUBLISHED = "published", _("answered and published")
    CLOSED = "closed", _("closed")


class Feedback(models.Model):
    """Phản ánh, kiến nghị (PAKN) about a procedure or a dossier, from anyone."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=FeedbackState.choices, default=FeedbackState.RECEIVED
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="feedback",
        verbose_name=_("agency in charge"),
    )
    # What the sender typed, kept as typed; the links below are set only when they check out.
    procedure_ref = models.CharField(_("procedure code given"), max_length=32, blank=True)
    procedure = models.ForeignKey(
        Procedure, null=True, blank=True, on_delete=models.PROTECT, related_name="feedback",
        verbose_name=_("procedure"),
    )
    dossier_ref = models.CharField(_("dossier code given"), max_length=40, blank=True)
    # Set only when the code and the last four digits of the phone or CCCD matched.
    dossier = models.ForeignKey(
        Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="feedback",
        verbose_name=_("verified dossier"),
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("sender account"),
    )
    sender_name = models.CharField(_("sender name"), max_length=200)
    # Normalised: phone digits starting with 0, or a lower-case e-mail address.
    contact = models.CharField(_("phone or e-mail"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"))
    consent_publish = models.BooleanField(_("agrees to publication"), default=False)

    received_at = models.DateTimeField(_("received at"))
    deadline_at = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answer_drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("drafted by"),
    )
    answer_drafted_at = models.DateTimeField(_("drafted at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("answer approved by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.TextField(_("reason for closing"), blank=True)
    # Bumped on every change; forms carry it so a stale form is refused, not applied.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["agency", "state", "deadline_at"]),
            models.Index(fields=["state", "-published_at"]),
        ]
        constraints = [
            # Publication needs the sender's consent and an approved answer, whatever the code.
            models.CheckConstraint(
                condition=~models.Q(state="published")
                | (models.Q(consent_publish=True) & models.Q(answered_at__isnull=False)
                   & models.Q(published_at__isnull=False)),
                name="feedback_published_needs_consent_and_answer",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def dossier_verified(self) -> bool:
        return self.dossier_id is not None

    @property
    def on_time(self) -> bool | None:
        """Decision 766: answered by its deadline (the answer period); None while unanswered."""
        if self.answered_at is None:
            return None
        return self.answered_at <= self.deadline_at


class FeedbackCodeCounter(models.Model):
    """Last sequence number of feedback codes per day of receipt (city-wide).

    Incremented under a row lock inside the submission transaction, so a rolled-back
    submission gives its number back and committed codes stay consecutive.
    """

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)
