"""Registers of official documents, the edXML messages that carry them, and their deliveries.

- `OfficialDocument`: one row of an agency's outgoing (văn bản đi) or incoming (văn bản đến)
  register. Its state moves only through onestop.exchange.services (transitions.py).
- `ExchangeMessage`: every edXML message sent or received, kept as the bytes that travelled
  (refused ones too, for inspection), with the result of its verification.
- `Delivery`: the outbox. One row per message and recipient, written in the transaction that
  sends; the deliver job retries it with back-off until the receiver answers.
- `HandOver`: a dossier step handed to another agency and back (liên thông); form 06 and the
  dossier timeline read these rows.

Keys and certificates are files (onestop.exchange.keys), never rows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onestop.agencies.models import Agency
from onestop.core.text import fold

from .edxml.model import BUSINESS_LABELS, STATUS_LABELS


class Direction(models.TextChoices):
    OUTGOING = "out", _("outgoing")
    INCOMING = "in", _("incoming")


class DocState(models.TextChoices):
    # outgoing
    SENT = "sent", _("sent")
    # incoming
    RECEIVED = "received", _("received, waiting for registration")
    REGISTERED = "registered", _("registered")
    ASSIGNED = "assigned", _("assigned")
    IN_PROCESS = "in_process", _("in process")
    DONE = "done", _("done")
    REFUSED = "refused", _("refused")
    # both: after an agreed revocation or replacement
    REVOKED = "revoked", _("revoked")
    REPLACED = "replaced", _("replaced")


class Priority(models.IntegerChoices):
    ORDINARY = 0, _("ordinary")
    URGENT = 1, _("urgent")
    VERY_URGENT = 2, _("very urgent")
    EXPRESS = 3, _("express")


BusinessChoices = [(int(k), v) for k, v in BUSINESS_LABELS.items()]
StatusChoices = [(str(k), v) for k, v in STATUS_LABELS.items()]


class DocumentType(models.TextChoices):
    """Kinds of administrative documents (Decree 30/2020/NĐ-CP Art. 7), the common ones."""

    CONG_VAN = "cong_van", _("official letter (công văn)")
    QUYET_DINH = "quyet_dinh", _("decision (quyết định)")
    THONG_BAO = "thong_bao", _("notice (thông báo)")
    BAO_CAO = "bao_cao", _("report (báo cáo)")
    KE_HOACH = "ke_hoach", _("plan (kế hoạch)")
    TO_TRINH = "to_trinh", _("submission (tờ trình)")
    GIAY_MOI = "giay_moi", _("invitation (giấy mời)")
    CHI_THI = "chi_thi", _("directive (chỉ thị)")
    PHIEU_CHUYEN = "phieu_chuyen", _("transfer slip (phiếu chuyển)")
    OTHER = "khac", _("other")


class OfficialDocument(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="documents",
                               verbose_name=_("agency"))
    direction = models.CharField(_("register"), max_length=3, choices=Direction.choices)
    state = models.CharField(_("state"), max_length=12, choices=DocState.choices)
    document_id = models.CharField(_("document ID (edXML)"), max_length=300)
    business_type = models.PositiveSmallIntegerField(_("business type"), choices=BusinessChoices,
                                                     default=0)
    related = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="followers",
                                verbose_name=_("revoked, updated or replaced document"))
    code_number = models.CharField(_("number"), max_length=20)
    code_notation = models.CharField(_("notation"), max_length=60, blank=True)
    document_type = models.CharField(_("type"), max_length=20, choices=DocumentType.choices,
                                     default=DocumentType.CONG_VAN)
    # QCVN 102:2016: at most 500 characters
    subject = models.CharField(pgettext_lazy("official document", "subject"), max_length=500)
    content = models.TextField(_("content"), blank=True)
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signer_position = models.CharField(_("position of the signer"), max_length=200, blank=True)
    place = models.CharField(_("place of promulgation"), max_length=200, blank=True)
    promulgation_date = models.DateField(_("date of promulgation"))
    due_date = models.DateField(pgettext_lazy("official document", "due date"), null=True,
                                blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices,
                                                default=Priority.ORDINARY)
    sender_organ_id = models.CharField(_("sender code"), max_length=40)
    sender_name = models.CharField(_("sender"), max_length=255, blank=True)
    # [{"organ_id": …, "organ_name": …}] as in the message header
    recipients = models.JSONField(_("recipients"), default=list)
    # Incoming register: the number the clerk gives it, per agency and year.
    incoming_number = models.PositiveIntegerField(_("incoming number"), null=True, blank=True)
    incoming_year = models.PositiveSmallIntegerField(null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("registered by"))
    department = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="assigned_documents",
                                   verbose_name=_("assigned department"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="assigned_documents",
                                 verbose_name=_("assigned to"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Number, symbol, subject and sender folded (onestop.core.text.fold): the same
    # accent- and case-blind search on SQLite and PostgreSQL.
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-promulgation_date", "-id"]
        verbose_name = _("official document")
        verbose_name_plural = _("official documents")
        constraints = [
            # Duplicates are recognised by DocumentId (and what the message does with it).
            models.UniqueConstraint(fields=["agency", "direction", "document_id", "business_type"],
                                    name="official_document_once"),
            models.UniqueConstraint(fields=["agency", "incoming_year", "incoming_number"],
                                    name="incoming_number_unique",
                                    condition=models.Q(incoming_number__isnull=False)),
        ]
        indexes = [models.Index(fields=["agency", "direction", "state"]),
                   models.Index(fields=["agency", "direction", "-promulgation_date"])]

    def __str__(self) -> str:
        return f"{self.code}: {self.subject[:60]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = fold(" ".join([self.code, self.subject, self.sender_name,
                                          self.sender_organ_id, self.signer_name]))
        fields = kwargs.get("update_fields")
        if fields is not None:
            kwargs["update_fields"] = {*fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def code(self) -> str:
        """Number and symbol as printed, e.g. 1234/UBND-VP."""
        if not self.code_notation:
            return self.code_number
        return f"{self.code_number}/{self.code_notation}"


class IncomingCounter(models.Model):
    """Gap-free incoming numbers per agency and year (onestop.core.sequences)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"],
                                               name="incoming_counter_key")]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"exchange/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    document = models.ForeignKey(OfficialDocument, on_delete=models.CASCADE,
                                 related_name="attachments", verbose_name=_("document"))
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)

    class Meta:
        ordering = ["document", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class ExchangeMessage(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("document")
        STATUS = "status", _("status")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        DUPLICATE = "duplicate", _("duplicate (already received)")
        REFUSED = "refused", _("refused")

    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("agency"))
    # the register entry the message carried or answered
    entry = models.ForeignKey(OfficialDocument, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="messages",
                              verbose_name=_("document"))
    document_id = models.CharField(_("document ID (edXML)"), max_length=300, blank=True)
    business_type = models.PositiveSmallIntegerField(_("business type"), null=True, blank=True)
    status_code = models.CharField(_("status code"), max_length=2, choices=StatusChoices,
                                   blank=True)
    sender_organ_id = models.CharField(_("sender code"), max_length=40, blank=True)
    raw = models.BinaryField(_("message as received or sent"))
    sha256 = models.CharField(max_length=64)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices,
                               blank=True)
    refusal_reason = models.CharField(_("refusal reason"), max_length=20, blank=True)
    refusal_detail = models.TextField(_("refusal detail"), blank=True)
    signer_subject = models.CharField(_("signed by"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("edXML message")
        verbose_name_plural = _("edXML messages")
        indexes = [models.Index(fields=["direction", "document_id"]),
                   models.Index(fields=["direction", "outcome", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.kind} {self.document_id}"


class Delivery(models.Model):
    """The outbox: a message to one recipient, retried with back-off until it is answered."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        DELIVERED = "delivered", _("delivered")
        REFUSED = "refused", _("refused by the receiver")
        FAILED = "failed", _("given up")

    message = models.ForeignKey(ExchangeMessage, on_delete=models.CASCADE,
                                related_name="deliveries", verbose_name=_("message"))
    organ_id = models.CharField(_("recipient code"), max_length=40)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # The answer the receiver gave on delivery (01 arrived, or 02 refused with its reason).
    answer_code = models.CharField(pgettext_lazy("official document", "answer"), max_length=2,
                                   blank=True)
    answer_description = models.TextField(_("answer description"), blank=True)

    class Meta:
        ordering = ["next_attempt_at", "id"]
        verbose_name = pgettext_lazy("official document", "delivery")
        verbose_name_plural = pgettext_lazy("official document", "deliveries")
        constraints = [models.UniqueConstraint(fields=["message", "organ_id"],
                                               name="delivery_once_per_recipient")]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.organ_id} ({self.state})"


class DocumentStatus(models.Model):
    """A status a recipient reported on one of our outgoing documents (01–06, 13, 15, 16)."""

    document = models.ForeignKey(OfficialDocument, on_delete=models.CASCADE,
                                 related_name="statuses", verbose_name=_("document"))
    organ_id = models.CharField(_("reported by"), max_length=40)
    organ_name = models.CharField(_("reported by"), max_length=255, blank=True)
    status_code = models.CharField(_("status"), max_length=2, choices=StatusChoices)
    description = models.TextField(_("description"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["document", "at", "id"]
        verbose_name = _("document status")
        verbose_name_plural = _("document statuses")
        constraints = [models.UniqueConstraint(fields=["document", "organ_id", "status_code"],
                                               name="document_status_once")]

    def __str__(self) -> str:
        return f"{self.document_id} {self.organ_id} {self.status_code}"
