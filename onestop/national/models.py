"""The national portal's code mappings (data an admin edits) and the sync outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.catalog.models import Procedure
from onestop.dossiers.models import Dossier, Status


class StatusMapping(models.Model):
    """TrangThaiHoSo sent for a dossier status. A blank code means "not sent" on purpose;
    a status with no row at all is reported as unmapped, never skipped silently."""

    status = models.PositiveSmallIntegerField(_("dossier status"), choices=Status.choices,
                                              unique=True)
    national_code = models.CharField(_("national status code"), max_length=8, blank=True,
                                     help_text=_("Leave blank not to send this status."))

    class Meta:
        ordering = ["status"]
        verbose_name = _("status mapping")
        verbose_name_plural = _("status mappings")

    def __str__(self) -> str:
        return f"{self.get_status_display()} → {self.national_code or '—'}"


class ProcedureMapping(models.Model):
    """MaTTHC / TenTTHC and MaLinhVuc / TenLinhVuc sent for a procedure of the catalog."""

    procedure = models.OneToOneField(Procedure, on_delete=models.CASCADE,
                                     related_name="national_mapping",
                                     verbose_name=_("procedure"))
    national_code = models.CharField(_("national procedure code (MaTTHC)"), max_length=32)
    national_name = models.CharField(_("national procedure name (TenTTHC)"), max_length=500,
                                     blank=True,
                                     help_text=_("Blank: the name in the catalog."))
    field_code = models.CharField(_("national field code (MaLinhVuc)"), max_length=40)
    field_name = models.CharField(_("national field name (TenLinhVuc)"), max_length=300,
                                  blank=True, help_text=_("Blank: the field in the catalog."))

    class Meta:
        ordering = ["procedure__code"]
        verbose_name = _("procedure mapping")
        verbose_name_plural = _("procedure mappings")

    def __str__(self) -> str:
        return f"{self.procedure.code} → {self.national_code}"


class SyncItem(models.Model):
    """One recorded change of a dossier to send, written in the change's transaction and
    sent in order per dossier (an item waits while an earlier one of its dossier is not
    sent)."""

    class State(models.TextChoices):
        PENDING = "pending", _("to send")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        UNMAPPED = "unmapped", _("no national code")
        SKIPPED = "skipped", _("not sent (status mapped to no code)")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("dossier"))
    action = models.CharField(_("action"), max_length=40)
    # The dossier's and the step's values at the change (the lists of files, results, fees
    # and supplement rounds are read when it is sent: they only grow).
    snapshot = models.JSONField(_("values at the change"), default=dict)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.PENDING)
    dossier_sent = models.BooleanField(default=False)  # DongBoHoSoMC accepted, step next
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("changed at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("national sync item")
        verbose_name_plural = _("national sync items")
        indexes = [
            models.Index(fields=["dossier", "id"]),
            models.Index(fields=["next_attempt_at"], condition=models.Q(state="pending"),
                         name="national_sync_due"),
            models.Index(fields=["state", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.pk} {self.action} ({self.state})"


class SyncAnswer(models.Model):
    """Every call made for an item and what came back (or why nothing did)."""

    item = models.ForeignKey(SyncItem, on_delete=models.CASCADE, related_name="answers")
    operation = models.CharField(max_length=40)
    request = models.JSONField(default=dict)  # the operation's body, without the session
    answer = models.JSONField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.operation} {'ok' if self.ok else 'error'}"


class NationalAccount(models.Model):
    """A national account (Cổng DVCQG / VNeID) that signed in here, and the account it signs
    in as (national/signin.py). The technical id is the applicant's id in the sync."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("citizen account")
        BUSINESS = "business", _("business account")

    technical_id = models.CharField(_("national technical id"), max_length=100, unique=True)
    kind = models.CharField(_("account type"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("account"))
    business = models.ForeignKey("accounts.Business", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("business"))
    identification_number = models.CharField(_("personal identification number"),
                                             max_length=12, blank=True)
    tax_code = models.CharField(_("enterprise (tax) code"), max_length=14, blank=True)
    linked_at = models.DateTimeField(_("first signed in at"))
    last_sign_in_at = models.DateTimeField(_("last signed in at"))

    class Meta:
        ordering = ["-last_sign_in_at"]
        verbose_name = _("national account")
        verbose_name_plural = _("national accounts")
        indexes = [models.Index(fields=["user", "kind"])]

    def __str__(self) -> str:
        return f"{self.technical_id} ({self.get_kind_display()})"


# -- the national catalog, imported (LayDanhMucCoQuan, LayDanhMucLinhVuc, LayThuTuc) -------

class NationalAgency(models.Model):
    """An agency of the national list (LayDanhMucCoQuan: MADONVI, TENDONVI, CAPDONVI), kept
    as data; linked to the city's agency with the same code when there is one."""

    code = models.CharField(_("national agency code (MADONVI)"), max_length=40, unique=True)
    name = models.CharField(_("name (TENDONVI)"), max_length=500)
    level = models.CharField(_("level (CAPDONVI)"), max_length=20, blank=True)
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("agency of the city"))
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("national agency")
        verbose_name_plural = _("national agencies")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class NationalField(models.Model):
    """A field of the national list (LayDanhMucLinhVuc: MALINHVUC, TENLINHVUC, MANGANH),
    linked to the catalog's field procedures of it are imported into."""

    code = models.CharField(_("national field code (MALINHVUC)"), max_length=40, unique=True)
    name = models.CharField(_("name (TENLINHVUC)"), max_length=300)
    sector = models.CharField(_("sector (MANGANH)"), max_length=40, blank=True)
    field = models.ForeignKey("catalog.Field", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("field of the catalog"))
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("national field")
        verbose_name_plural = _("national fields")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CatalogSource(models.Model):
    """What the national catalog last said about a procedure (LayThuTuc), and the draft it
    was imported into: a refresh makes a new draft only when the digest changed."""

    procedure = models.OneToOneField(Procedure, on_delete=models.CASCADE,
                                     related_name="national_source",
                                     verbose_name=_("procedure"))
    digest = models.CharField(_("digest of the imported values"), max_length=64)
    answer = models.JSONField(_("the national catalog's record"), default=dict)
    version = models.ForeignKey("catalog.ProcedureVersion", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("draft made from it"))
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    checked_at = models.DateTimeField(_("last checked"), default=timezone.now)

    class Meta:
        ordering = ["procedure__code"]
        verbose_name = _("imported procedure")
        verbose_name_plural = _("imported procedures")

    def __str__(self) -> str:
        return str(self.procedure)


class CatalogImport(models.Model):
    """One import or refresh from the national catalog, with what became of each procedure
    (created, changed, unchanged, failed with its reason)."""

    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("by"))
    codes = models.CharField(_("procedures asked for"), max_length=500, blank=True)
    counts = models.JSONField(_("counts"), default=dict)
    outcomes = models.JSONField(_("outcome per procedure"), default=list)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("catalog import")
        verbose_name_plural = _("catalog imports")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.counts}"
