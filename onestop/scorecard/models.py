"""The scorecard's data: frameworks as versioned data, per-dossier facts, daily roll-ups,
hand-entered values with evidence, the DTI and the targets given to units.

Frameworks (points, thresholds, weights) are rows, not code: the methods change over the
years (Decision 766/QĐ-TTg 2022 for the service index, Decision 922/QĐ-BTTTT 2022 for the
DTI) and a new version is new rows. The roll-ups hold integer counters only; every rate
and score is computed from them with Decimal arithmetic when a page asks.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency
from onestop.dossiers.models import Dossier
from onestop.feedback.models import Feedback


class Group(models.TextChoices):
    """The five groups of Decision 766/QĐ-TTg (docs/domain.md §7)."""

    PUBLICITY = "publicity", _("Publicity and transparency")
    PROGRESS = "progress", _("Progress and results")
    DIGITISATION = "digitisation", _("Digitisation")
    ONLINE = "online", _("Online services")
    SATISFACTION = "satisfaction", _("Satisfaction")


class Framework(models.Model):
    """One version of the service-index method (points and thresholds of its indicators)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("service index framework")
        verbose_name_plural = _("service index frameworks")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                    name="one_default_service_index_framework"),
        ]

    def __str__(self) -> str:
        return self.name


class FrameworkGroup(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="groups")
    group = models.CharField(_("group"), max_length=16, choices=Group.choices)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("indicator group")
        verbose_name_plural = _("indicator groups")
        constraints = [
            models.UniqueConstraint(fields=["framework", "group"], name="framework_group_unique")
        ]

    def __str__(self) -> str:
        return self.get_group_display()


class IndicatorDefinition(models.Model):
    """Points and threshold of one indicator in one framework.

    Below its threshold an indicator scores rate × max ÷ threshold, at or above it the full
    max (docs/domain.md §7). What the indicator measures lives in onestop.scorecard.indicators,
    found by `code`; the numbers here are data.
    """

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE,
                                  related_name="indicators")
    code = models.SlugField(_("code"), max_length=40)
    group = models.CharField(_("group"), max_length=16, choices=Group.choices)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2,
                                     validators=[MinValueValidator(Decimal("0"))])
    # A fraction: 0.8 = full score at ≥ 80 %.
    threshold = models.DecimalField(
        _("threshold"), max_digits=5, decimal_places=4, default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("1"))],
    )
    measurable = models.BooleanField(_("measured by the platform"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="indicator_code_unique"),
            models.CheckConstraint(condition=Q(threshold__gt=0) & Q(threshold__lte=1),
                                   name="indicator_threshold_fraction"),
        ]

    def __str__(self) -> str:
        return self.code


class ManualValue(models.Model):
    """An indicator the platform cannot measure, entered by hand with its evidence.

    It applies to the unit (empty = the whole city) for every period that overlaps
    [period_start, period_end]; the latest entry wins.
    """

    indicator_code = models.SlugField(_("indicator"), max_length=40)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("unit (empty = city)"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    numerator = models.DecimalField(_("numerator"), max_digits=12, decimal_places=2,
                                    validators=[MinValueValidator(Decimal("0"))])
    denominator = models.DecimalField(_("denominator"), max_digits=12, decimal_places=2,
                                      validators=[MinValueValidator(Decimal("0.01"))])
    evidence = models.TextField(_("evidence"))
    evidence_file = models.FileField(_("evidence file"), upload_to="scorecard/evidence/%Y/",
                                     blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        ordering = ["-entered_at", "-id"]
        verbose_name = _("hand-entered value")
        verbose_name_plural = _("hand-entered values")
        constraints = [
            models.CheckConstraint(condition=Q(numerator__lte=models.F("denominator")),
                                   name="manual_value_rate_at_most_one"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="manual_value_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.period_start}–{self.period_end}"


# ---- facts and roll-ups ------------------------------------------------------------------------

class DossierFact(models.Model):
    """What one dossier contributes to the roll-ups, as last applied.

    Kept so a change can be applied as a difference (new contributions − old ones) without
    reading anything but the changed dossier. Days are local dates (Asia/Ho_Chi_Minh).
    """

    dossier = models.OneToOneField(Dossier, primary_key=True, on_delete=models.CASCADE,
                                   related_name="+", db_constraint=False)
    centre_id = models.BigIntegerField()
    agency_id = models.BigIntegerField()
    procedure_id = models.BigIntegerField()
    received_on = models.DateField(null=True)
    online = models.BooleanField(default=False)
    digitised = models.BooleanField(default=False)
    finished_on = models.DateField(null=True)
    on_time = models.BooleanField(default=False)
    processing_seconds = models.BigIntegerField(default=0)
    legal_seconds = models.BigIntegerField(default=0)
    complained = models.BooleanField(default=False)
    returned_on = models.DateField(null=True)
    e_result = models.BooleanField(default=False)
    paid_on = models.DateField(null=True)
    paid_online = models.BooleanField(default=False)
    rated_on = models.DateField(null=True)
    rating_score_sum = models.PositiveIntegerField(default=0)
    rating_score_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            # Drill-down to the late dossiers of a unit and procedure.
            models.Index(fields=["procedure_id", "finished_on"], condition=Q(on_time=False),
                         name="fact_late_by_procedure"),
        ]


class FeedbackFact(models.Model):
    feedback = models.OneToOneField(Feedback, primary_key=True, on_delete=models.CASCADE,
                                    related_name="+", db_constraint=False)
    agency_id = models.BigIntegerField()
    procedure_id = models.BigIntegerField()  # 0: about no particular procedure
    due_on = models.DateField()
    on_time = models.BooleanField(default=False)


class DailyRollup(models.Model):
    """Integer counters per local day, receiving centre, competent agency and procedure.

    Plain integer keys (no foreign keys): 0 stands for "none" (feedback about no procedure),
    and the table is written in bulk by the refresh and the rebuild. The receiving centre is
    part of the key so a unit's figures (dossiers it handles or receives) add up without
    counting a dossier twice. Feedback rows carry the agency in charge as both centre and
    agency.
    """

    day = models.DateField()
    centre_id = models.BigIntegerField()
    agency_id = models.BigIntegerField()
    procedure_id = models.BigIntegerField()
    received = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    digitised = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    finished_on_time = models.IntegerField(default=0)
    finished_late = models.IntegerField(default=0)
    complained = models.IntegerField(default=0)
    processing_seconds = models.BigIntegerField(default=0)
    legal_seconds = models.BigIntegerField(default=0)
    returned = models.IntegerField(default=0)
    returned_e_result = models.IntegerField(default=0)
    paid = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rating_score_sum = models.IntegerField(default=0)
    rating_score_count = models.IntegerField(default=0)
    feedback_due = models.IntegerField(default=0)
    feedback_on_time = models.IntegerField(default=0)

    COUNTERS = (
        "received", "received_online", "digitised", "finished", "finished_on_time",
        "finished_late", "complained", "processing_seconds", "legal_seconds", "returned",
        "returned_e_result", "paid", "paid_online", "rated", "rating_score_sum",
        "rating_score_count", "feedback_due", "feedback_on_time",
    )

    class Meta:
        verbose_name = _("daily roll-up")
        verbose_name_plural = _("daily roll-ups")
        constraints = [
            models.UniqueConstraint(fields=["day", "centre_id", "agency_id", "procedure_id"],
                                    name="daily_rollup_key"),
        ]
        indexes = [
            models.Index(fields=["agency_id", "day"], name="rollup_agency_day"),
            models.Index(fields=["centre_id", "day"], name="rollup_centre_day"),
        ]


class RollupCursor(models.Model):
    """The last audit event (seq) whose changes the roll-ups include. One row, id 1."""

    last_seq = models.PositiveBigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    # The rules (rollups.FACT_RULES) the roll-ups were built with; older ones are rebuilt
    # by the next refresh, so a migration never has to run the roll-up code itself.
    rules_version = models.PositiveSmallIntegerField(default=0)


# ---- DTI (Decision 922/QĐ-BTTTT) ---------------------------------------------------------------

class DtiFramework(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["-code"]
        verbose_name = _("DTI framework")
        verbose_name_plural = _("DTI frameworks")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                    name="one_default_dti_framework"),
        ]

    def __str__(self) -> str:
        return self.name


class DtiSubIndex(models.Model):
    framework = models.ForeignKey(DtiFramework, on_delete=models.CASCADE,
                                  related_name="subindices")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    weight = models.PositiveIntegerField(_("weight"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("DTI sub-index")
        verbose_name_plural = _("DTI sub-indices")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="dti_subindex_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class DtiUnit(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY_UNIT = "city_unit", _("unit of the city")

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices,
                            default=Kind.PROVINCE)
    # The agency whose platform figures can fill computed values (city units, or the city).
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("agency"))
    is_city = models.BooleanField(_("this city"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("DTI unit")
        verbose_name_plural = _("DTI units")

    def __str__(self) -> str:
        return self.name


class DtiValue(models.Model):
    class Source(models.TextChoices):
        ENTERED = "entered", _("entered by hand")
        IMPORTED = "imported", _("imported from a file")
        COMPUTED = "computed", _("computed by the platform")

    unit = models.ForeignKey(DtiUnit, on_delete=models.CASCADE, related_name="values")
    subindex = models.ForeignKey(DtiSubIndex, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("year"))
    # Normalised 0–1, as published.
    value = models.DecimalField(
        _("value"), max_digits=7, decimal_places=6,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    provenance = models.TextField(_("provenance"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["unit", "year", "subindex__order"]
        verbose_name = _("DTI value")
        verbose_name_plural = _("DTI values")
        constraints = [
            models.UniqueConstraint(fields=["unit", "subindex", "year"], name="dti_value_unique"),
            models.CheckConstraint(condition=Q(value__gte=0) & Q(value__lte=1),
                                   name="dti_value_normalised"),
        ]


# ---- targets ------------------------------------------------------------------------------------

class Target(models.Model):
    """A target the city gives a unit: an indicator, a value to reach, a due date.

    Progress is measured by the platform for measurable indicators (from `start_date` to
    the day asked) and entered by hand (TargetProgress) otherwise. Values are fractions for
    rates (0.95 = 95 %) and working days for the processing time.
    """

    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("unit (empty = city)"))
    indicator_code = models.SlugField(_("indicator"), max_length=40)
    baseline_value = models.DecimalField(_("value at the start"), max_digits=12,
                                         decimal_places=4)
    target_value = models.DecimalField(_("target value"), max_digits=12, decimal_places=4)
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(_("due date"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Set by the daily check the first day the unit fell behind; cleared when it catches up.
    behind_since = models.DateField(_("behind since"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(condition=Q(due_date__gt=models.F("start_date")),
                                   name="target_due_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} → {self.target_value} ({self.due_date})"


class TargetProgress(models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="progress")
    on = models.DateField(_("as of"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=4)
    evidence = models.TextField(_("evidence"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["target", "-on", "-id"]
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
