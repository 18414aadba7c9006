"""Community digital technology teams (tổ công nghệ số cộng đồng) and their household visits.

A team covers one hamlet (ấp, khu vực, tổ dân phố) of a commune and is set up by a decision of
the commune's People's Committee; its members go door to door helping households with the
e-ID, the city app, cashless payments and online filing. A visit keeps only what the visit
needs: the household by its address or household-book number, never a person's identity.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import AdministrativeUnit


class HelpKind(models.TextChoices):
    VNEID = "vneid", _("VNeID e-ID activated")
    VNEID_LEVEL2 = "vneid_level2", _("VNeID level-2 e-ID activated")
    CITY_APP = "city_app", _("city app installed")
    CASHLESS = "cashless", _("cashless payment account opened")
    ONLINE_FILING = "online_filing", _("online filing of a dossier")
    QUESTION = "question", _("question answered")


class Team(models.Model):
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT,
                                related_name="community_teams", verbose_name=_("commune"))
    hamlet = models.CharField(_("hamlet or area"), max_length=200)
    name = models.CharField(_("name"), max_length=200)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["commune", "hamlet"]
        verbose_name = _("community digital team")
        verbose_name_plural = _("community digital teams")
        constraints = [
            models.UniqueConstraint(fields=["commune", "hamlet"], name="community_team_area")
        ]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    LEADER = "leader", _("team leader")
    MEMBER = "member", _("member")
    YOUTH_UNION = "youth_union", _("youth union member")
    POLICE = "police", _("commune police officer")
    OTHER = "other", _("other")


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members",
                             verbose_name=_("team"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="community_memberships", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices,
                            default=MemberRole.MEMBER)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="community_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.team}"


class Visit(models.Model):
    """One household visit, stored once per `client_id` (the id the phone made)."""

    client_id = models.UUIDField(_("client id"), unique=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="visits",
                             verbose_name=_("team"))
    member = models.ForeignKey(TeamMember, on_delete=models.PROTECT, related_name="visits",
                               verbose_name=_("member"))
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT,
                                related_name="community_visits", verbose_name=_("commune"))
    hamlet = models.CharField(_("hamlet or area"), max_length=200)
    household = models.CharField(_("household (address or household book number)"),
                                 max_length=200)
    # hamlet and household, normalised, to count households reached once each.
    household_key = models.CharField(max_length=401, editable=False)
    visited_at = models.DateTimeField(_("visited at"))
    helped = models.JSONField(_("helped with"), default=list)
    dossier = models.ForeignKey("dossiers.Dossier", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="community_visits",
                                verbose_name=_("dossier"))
    consent = models.BooleanField(_("consent given"))
    note = models.TextField(_("note"), blank=True)
    # What is left to do for the household (come back to finish a filing, …) and when a
    # member of the team closed it.
    follow_up = models.CharField(_("follow-up"), max_length=500, blank=True)
    follow_up_closed_at = models.DateTimeField(_("follow-up closed at"), null=True, blank=True)
    follow_up_closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+",
                                            verbose_name=_("follow-up closed by"))
    # SHA-256 of the body first sent: the same body again is the same visit, a different
    # one under the same client_id is a conflict.
    body_hash = models.CharField(max_length=64, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-visited_at"]
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")
        indexes = [models.Index(fields=["commune", "visited_at"], name="community_visit_commune")]

    def __str__(self) -> str:
        return f"{self.hamlet} – {self.household}"


class VisitCorrection(models.Model):
    """What a correction changed: the fields before and after, by whom and when."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="corrections",
                              verbose_name=_("visit"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("corrected by"))
    at = models.DateTimeField(_("corrected at"))
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["visit", "at"]
        verbose_name = _("visit correction")
        verbose_name_plural = _("visit corrections")

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) of each field the correction changed."""
        return [(key, value, self.after.get(key)) for key, value in self.before.items()
                if self.after.get(key) != value]


class CommuneHouseholds(models.Model):
    """The number of households registered in a commune: the denominator of coverage."""

    commune = models.OneToOneField(AdministrativeUnit, on_delete=models.PROTECT,
                                   primary_key=True, related_name="community_households",
                                   verbose_name=_("commune"))
    registered = models.PositiveIntegerField(_("registered households"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("registered households of a commune")
        verbose_name_plural = _("registered households of communes")

    def __str__(self) -> str:
        return f"{self.commune}: {self.registered}"


class Campaign(models.Model):
    """A drive with goals per commune over a period ("VNeID level-2 activation: 5,000 in
    Phường Ninh Kiều by 30/6"), set by the city (no commune) or by one commune. What counts
    towards it: visits in the period that helped with one of its kinds."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    commune = models.ForeignKey(AdministrativeUnit, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="community_campaigns",
                                verbose_name=_("commune (empty: the city)"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    kinds = models.JSONField(_("kinds of help that count"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-start", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")),
                                   name="community_campaign_period"),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignGoal(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="goals",
                                 verbose_name=_("campaign"))
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("commune"))
    target = models.PositiveIntegerField(_("target (helps)"))

    class Meta:
        ordering = ["campaign", "commune__name"]
        verbose_name = _("campaign goal")
        verbose_name_plural = _("campaign goals")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "commune"], name="community_goal_unique"),
        ]


class CommuneBoundary(models.Model):
    """A commune's outline (a GeoJSON Polygon or MultiPolygon, longitude/latitude), imported
    from a GeoJSON file: the coverage map is drawn from these."""

    commune = models.OneToOneField(AdministrativeUnit, on_delete=models.CASCADE,
                                   primary_key=True, related_name="community_boundary",
                                   verbose_name=_("commune"))
    geometry = models.JSONField(_("geometry (GeoJSON)"))
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("commune boundary")
        verbose_name_plural = _("commune boundaries")
