from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained audit log.

    `seq` is a gap-free sequence (1, 2, 3, …); `hash` covers the event's content and the
    previous event's hash, so editing, deleting or reordering any event breaks the chain from
    that point (see onestop.core.audit.audit_verify).
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    from_state = models.CharField(_("from"), max_length=32, blank=True)
    to_state = models.CharField(_("to"), max_length=32, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditChainHead(models.Model):
    """A single row holding the last seq and hash, locked by every append.

    The lock serialises appends so two transactions can never chain onto the same parent.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)


class CalendarOverride(models.Model):
    """Government-announced days off and make-up working days (usually Saturdays).

    The `holidays` package knows the public holidays of Labour Code 2019 Art. 112 but not
    the make-up working Saturdays announced each year, so they are kept here, editable.
    """

    class Kind(models.TextChoices):
        OFF = "off", _("day off")
        WORK = "work", _("working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class PeriodicRun(models.Model):
    """One row per (job, time slot): the first worker to insert it runs the job.

    Lets several `onestop worker` processes on several machines share one schedule without
    running a periodic job twice in the same slot.
    """

    job = models.CharField(max_length=64)
    slot = models.BigIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="periodic_run_once")]


class RateWindow(models.Model):
    """Events counted per key and fixed window when Redis is not configured (core.ratelimit)."""

    key = models.CharField(max_length=200)
    window = models.BigIntegerField()  # Unix time // window length
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"],
                                               name="core_rate_window_once")]
