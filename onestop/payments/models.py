"""Payments: what is owed (FeeItem), what was paid (Payment), and the proof (Receipt).

Money is integer VND in BigIntegerFields everywhere, never a float. Every change of state
goes through onestop.payments.services, under a row lock, with an audit event in the same
transaction. PaymentNotification is an append-only log of everything a bank or gateway
sent us, forged ones included.

Payments knows nothing of what is paid for: the apps it collects for own the links (a
dossier's fee items and payments: onestop.dossiers.models.DossierFeeItem, DossierPayment; a
bill's item: onestop.billing.models.Bill.fee_item).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency
from onestop.catalog.models import Fee


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    COUNTER = "counter", _("at the counter")


class FeeItem(models.Model):
    """One line owed to an agency: a dossier's fee, an obligation, later a bill or a stall fee.

    This is the generic "payable": a Payment settles a set of open items (PaymentLine). A
    dossier's items are computed from the procedure version's fee schedule at receipt
    (onestop.dossiers.services.fees), a bill's when it is imported.
    """

    class Source(models.TextChoices):
        SCHEDULE = "schedule", _("fee schedule")
        OBLIGATION = "obligation", _("financial obligation")
        OTHER = "other", _("other")

    class State(models.TextChoices):
        OPEN = "open", _("to pay")
        PAID = "paid", _("paid")
        EXEMPT = "exempt", _("exempt")
        CANCELLED = "cancelled", _("cancelled")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="fee_items",
                               verbose_name=_("collecting agency"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices,
                              default=Source.SCHEDULE)
    fee = models.ForeignKey(Fee, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+", verbose_name=_("fee"))
    name = models.CharField(_("name"), max_length=300)
    unit_amount = models.BigIntegerField(_("unit amount (VND)"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    amount = models.BigIntegerField(_("amount (VND)"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.OPEN)
    exempt_reason = models.CharField(_("reason for exemption"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey("Payment", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="settled_items", verbose_name=_("paid by"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(unit_amount__gte=0),
                                   name="fee_item_amount_non_negative"),
            models.CheckConstraint(condition=~Q(state="exempt") | ~Q(exempt_reason=""),
                                   name="fee_item_exemption_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} VND"


class Payment(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("awaiting payment")
        SUCCEEDED = "succeeded", _("paid")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired")
        FLAGGED = "flagged", _("amount differs: awaiting an officer")
        PARTIALLY_REFUNDED = "partially_refunded", _("partially refunded")
        REFUNDED = "refunded", _("refunded")

    reference = models.CharField(_("payment reference"), max_length=20, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="payments",
                               verbose_name=_("collecting agency"))
    amount = models.BigIntegerField(_("amount (VND)"))
    currency = models.CharField(_("currency"), max_length=3, default="VND", editable=False)
    purpose = models.CharField(_("purpose"), max_length=200)
    payer_name = models.CharField(_("payer"), max_length=200, blank=True)
    payer_email = models.EmailField(_("payer e-mail"), blank=True)
    payer_phone = models.CharField(_("payer phone"), max_length=20, blank=True)
    # Who asked for the payment to be created; the idempotency key is unique per creator
    # (creator_key: the user's id, or a session/API key label for anonymous citizens).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    creator_key = models.CharField(max_length=64, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)

    # The provider the payer chose (may change while pending) and, once settled, the one
    # whose notification settled it with its transaction id (unique per provider).
    provider = models.CharField(_("provider"), max_length=20)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices,
                               default=Channel.ONLINE)
    provider_txn_id = models.CharField(_("provider transaction"), max_length=100, blank=True)
    sandbox = models.BooleanField(_("sandbox"), default=False)

    state = models.CharField(_("state"), max_length=20, choices=State.choices,
                             default=State.PENDING)
    received_amount = models.BigIntegerField(_("amount received (VND)"), null=True, blank=True)
    refunded_amount = models.BigIntegerField(_("amount refunded (VND)"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    last_queried_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(
                fields=["creator_key", "idempotency_key"], condition=~Q(idempotency_key=""),
                name="payment_idempotency_key_unique_per_creator",
            ),
            # A bank transaction settles at most one payment.
            models.UniqueConstraint(
                fields=["provider", "provider_txn_id"], condition=~Q(provider_txn_id=""),
                name="payment_provider_txn_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "-created_at"]),
            models.Index(fields=["state", "provider", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_settled(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.PARTIALLY_REFUNDED,
                              self.State.REFUNDED)

    @property
    def is_online(self) -> bool:
        """Counted in the online-payment rate (Decision 766): not cash at the counter."""
        return self.channel == Channel.ONLINE and self.provider != "cash"

    @property
    def paid_amount(self) -> int:
        return self.received_amount if self.received_amount is not None else self.amount


class PaymentLine(models.Model):
    """Which open items a payment covers, with the amount of each at creation."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(FeeItem, on_delete=models.PROTECT, related_name="lines")
    amount = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["payment", "item"], name="payment_line_unique")
        ]


class PaymentNotification(models.Model):
    """Every notification received from a bank or gateway, as received. Append-only."""

    class Outcome(models.TextChoices):
        SETTLED = "settled", _("settled the payment")
        FLAGGED = "flagged", _("amount differs: flagged")
        FAILED = "failed", _("marked the payment failed")
        DUPLICATE = "duplicate", _("duplicate: nothing changed")
        EXTRA = "extra", _("second payment of a paid reference")
        STALE = "stale", _("late failure: ignored")
        UNKNOWN = "unknown", _("unknown reference")
        FORGED = "forged", _("bad signature: refused")
        MALFORMED = "malformed", _("malformed: refused")
        REFUSED = "refused", _("sandbox notification refused")

    provider = models.CharField(max_length=20)
    received_at = models.DateTimeField(default=timezone.now)
    body = models.TextField(blank=True)
    signature = models.CharField(max_length=256, blank=True)
    signature_valid = models.BooleanField(default=False)
    sandbox = models.BooleanField(default=False)
    reference = models.CharField(max_length=40, blank=True)
    provider_txn_id = models.CharField(max_length=100, blank=True)
    amount = models.BigIntegerField(null=True, blank=True)
    success = models.BooleanField(null=True)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="notifications")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    # Resolution of an EXTRA transfer (refund or reconciliation), by an officer.
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        indexes = [
            models.Index(fields=["provider", "provider_txn_id"]),
            models.Index(fields=["outcome", "received_at"]),
        ]


class ReceiptCounter(models.Model):
    """Last receipt number per agency and year, incremented under the settle transaction."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="receipt_counter_unique")
        ]


class Receipt(models.Model):
    """Biên lai điện tử: proof of a settled payment or of a refund, numbered per agency.

    An e-receipt of fees and charges (Decree 123/2020/NĐ-CP as amended by Decree
    70/2025/NĐ-CP; Circular 78/2021/TT-BTC; docs/receipts.md) carries its form symbol and
    series, its number, the collecting unit's name and tax code, the payer, the fee or charge
    and its kind, the amount in figures and words, the date and the collecting unit's digital
    signature. The row is written once, in the settle transaction; the signed XML and PDF
    follow (`receipt_sign`). A cancelled or replaced receipt is kept, linked to its
    replacement.
    """

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("payment receipt")
        REFUND = "refund", _("refund receipt")

    class State(models.TextChoices):
        ISSUED = "issued", _("issued")
        CANCELLED = "cancelled", _("cancelled")
        REPLACED = "replaced", _("replaced")

    number = models.CharField(_("receipt number"), max_length=40, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="receipts")
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PAYMENT)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="receipts")
    refund = models.OneToOneField("Refund", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="receipt")
    amount = models.BigIntegerField(_("amount (VND)"))
    issued_at = models.DateTimeField(_("issued at"))
    email_to = models.EmailField(blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # What the receipt says, fixed when it is issued (the e-receipt rules above).
    form_symbol = models.CharField(_("form symbol"), max_length=20, blank=True)
    series = models.CharField(_("series"), max_length=20, blank=True)
    collector_name = models.CharField(_("collecting unit"), max_length=255, blank=True)
    collector_tax_code = models.CharField(_("collecting unit's tax code"), max_length=14,
                                          blank=True)
    payer_name = models.CharField(_("payer"), max_length=200, blank=True)
    charge = models.CharField(_("fee or charge"), max_length=20, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.ISSUED)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="replaced_by", verbose_name=_("replaces"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # The e-receipt as XML, signed by the collecting unit (XML-DSig), and its signed PDF.
    xml = models.TextField(_("receipt XML"), blank=True)
    signed_pdf = models.ForeignKey("signatures.SignedDocument", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("signed PDF"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        ordering = ["agency", "year", "sequence"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "sequence"],
                                    name="receipt_sequence_unique"),
            # Exactly one receipt in force per settled payment; a replaced or cancelled one
            # stays beside its replacement.
            models.UniqueConstraint(fields=["payment"],
                                    condition=Q(kind="payment", state="issued"),
                                    name="one_issued_payment_receipt_per_payment"),
        ]

    def __str__(self) -> str:
        return self.number


class Refund(models.Model):
    """Money given back: started by an officer, approved by a leader, with its own receipt."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("awaiting a leader's approval")
        APPROVED = "approved", _("approved and paid back")
        REJECTED = "rejected", _("rejected")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.BigIntegerField(_("amount (VND)"))
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]


class SandboxGatewayTransaction(models.Model):
    """SANDBOX ONLY: what the simulated gateway 'processed', so it can answer status queries."""

    reference = models.CharField(max_length=40, db_index=True)
    transaction_no = models.CharField(max_length=40, unique=True)
    amount = models.BigIntegerField()
    success = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sandbox gateway transaction")
        verbose_name_plural = _("sandbox gateway transactions")


# ---- reconciliation (onestop/payments/reconciliation.py) ---------------------------------------

class ReconciliationRun(models.Model):
    """One bank statement compared with the platform; the report is kept, never applied."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    filename = models.CharField(_("file"), max_length=200, blank=True)
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    bank_lines = models.PositiveIntegerField(_("bank lines"), default=0)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    differences = models.PositiveIntegerField(_("differences"), default=0)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")


class ReconciliationLine(models.Model):
    class Kind(models.TextChoices):
        MATCHED = "matched", _("matched")
        MISSING_ON_PLATFORM = "missing_platform", _("missing on the platform")
        MISSING_AT_BANK = "missing_bank", _("missing at the bank")
        DUPLICATE = "duplicate", _("duplicated")
        AMOUNT_MISMATCH = "amount_mismatch", _("amount differs")

    class MatchedBy(models.TextChoices):
        NONE = "", _("not matched")
        TRANSACTION = "transaction", _("bank transaction id")
        REFERENCE = "reference", _("payment reference")
        AMOUNT_DATE = "amount_date", _("amount and date")

    class Status(models.TextChoices):
        OK = "ok", _("nothing to do")
        OPEN = "open", _("to review")
        RESOLVED = "resolved", _("resolved")

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("result"), max_length=20, choices=Kind.choices)
    matched_by = models.CharField(_("matched by"), max_length=12, choices=MatchedBy.choices,
                                  blank=True, default="")
    row = models.PositiveIntegerField(_("statement line"), null=True, blank=True)
    bank_date = models.DateField(_("bank date"), null=True, blank=True)
    bank_amount = models.BigIntegerField(_("bank amount (VND)"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    bank_txn_id = models.CharField(_("bank transaction"), max_length=100, blank=True)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("payment"))
    platform_amount = models.BigIntegerField(_("platform amount (VND)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    note = models.TextField(_("officer's note"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "id"]
        verbose_name = _("reconciliation line")
        verbose_name_plural = _("reconciliation lines")
        indexes = [models.Index(fields=["run", "status"])]
