from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# QCVN 102:2016/BTTTT (Circular 10/2016/TT-BTTTT): V1V2V3.Z1Z2.Y1Y2.MX1X2, e.g. 000.00.00.H49
AGENCY_CODE_RE = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$"


class AdministrativeUnit(models.Model):
    """A commune-level unit (phường, xã, đặc khu) since the 2025 two-level reform."""

    class Kind(models.TextChoices):
        WARD = "phuong", _("ward (phường)")
        COMMUNE = "xa", _("commune (xã)")
        SPECIAL_ZONE = "dac_khu", _("special zone (đặc khu)")

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    province_code = models.PositiveSmallIntegerField(_("province code"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    class Kind(models.TextChoices):
        SERVICE_CENTRE = "service_centre", _("public administration service centre")
        DEPARTMENT = "department", _("department")
        COMMUNE_COMMITTEE = "commune_committee", _("commune People's Committee")
        COMMUNE_CENTRE = "commune_centre", _("commune one-stop counter")

    # Kinds whose counters receive dossiers and return results.
    RECEIVING_KINDS = (Kind.SERVICE_CENTRE, Kind.COMMUNE_CENTRE)

    code = models.CharField(
        _("agency code"), max_length=16, unique=True,
        validators=[RegexValidator(AGENCY_CODE_RE, _("Use the QCVN 102:2016 form 000.00.00.H00."))],
    )
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent agency"),
    )
    unit = models.ForeignKey(
        AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT,
        verbose_name=_("administrative unit"),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Printed on the agency's documents (Decree 30/2020/NĐ-CP): the abbreviation in the
    # number-and-symbol line ("Số: 05/XL-STP") and in "Lưu: VT, STP"; the place in "…, ngày";
    # the title of its head ("Giám đốc", "Chủ tịch") for the signature block. Empty: derived
    # (onestop.agencies.documents).
    abbreviation = models.CharField(_("abbreviation"), max_length=20, blank=True)
    place = models.CharField(_("place name on documents"), max_length=100, blank=True)
    head_title = models.CharField(_("title of the head"), max_length=100, blank=True)
    # Printed on its fee receipts as the collecting unit's tax code (Decree 123/2020/NĐ-CP,
    # as amended by Decree 70/2025/NĐ-CP, on the content of a receipt).
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    # Office hours differ by centre (docs/domain.md §6); two sessions a day, southern default.
    morning_start = models.TimeField(_("morning opens"), default=datetime.time(7, 0))
    morning_end = models.TimeField(_("morning closes"), default=datetime.time(11, 0))
    afternoon_start = models.TimeField(_("afternoon opens"), default=datetime.time(13, 0))
    afternoon_end = models.TimeField(_("afternoon closes"), default=datetime.time(17, 0))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(morning_start__lt=models.F("morning_end"))
                & models.Q(morning_end__lte=models.F("afternoon_start"))
                & models.Q(afternoon_start__lt=models.F("afternoon_end")),
                name="agency_office_hours_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def receives_dossiers(self) -> bool:
        return self.kind in self.RECEIVING_KINDS

    @property
    def office_intervals(self) -> tuple[tuple[datetime.time, datetime.time], ...]:
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))


class Role(models.TextChoices):
    OFFICER = "officer", _("one-stop officer")
    SPECIALIST = "specialist", _("specialist")
    LEADER = "leader", _("leader")
    ADMIN = "admin", _("agency admin")
    CLERK = "clerk", _("clerk (văn thư)")  # registers incoming and outgoing official documents
    # A member of a community digital team (onestop.community): signs in to log household
    # visits, only in the commune of their team.
    COMMUNITY = "community", _("community digital team member")
    # Staff of the city's tourism office (onestop.guide): publish places and OCOP listings,
    # review businesses' suggested edits, producers and citizens' traffic reports.
    TOURISM = "tourism", _("tourism office staff")


# The roles a procedure step (and so a dossier step) may be given: the people who process
# dossiers. A community team member logs household visits and the tourism office's staff keep
# the city guide: neither processes a dossier.
STEP_ROLES: list[tuple[str, Any]] = [
    (value, label) for value, label in Role.choices
    if value not in (Role.COMMUNITY, Role.TOURISM)]


class Membership(models.Model):
    """A staff user's role in one agency. A person may hold several roles or agencies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("user"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("agency")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    # The person's position in the agency ("Phó Giám đốc"), printed under a signature.
    position = models.CharField(_("position"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.agency}"
