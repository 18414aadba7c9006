"""Who signs with which key, and every document signed.

A `Signer` row says which key a leader or a unit signs with: the kind of key store and a
reference into it (a PKCS#12 file name, a PKCS#11 token and key label, a remote credential
id) plus where its PIN comes from (an environment variable or a file). Private keys and PINs
never enter the database; the certificate is public and is kept here so a listing or an
expiry check needs no key store. A `SignedDocument` is the record of one signed PDF: its
SHA-256 (also written to the audit log), the signer as printed, and the file itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency


class Signer(models.Model):
    class Kind(models.TextChoices):
        PKCS12 = "pkcs12", _("PKCS#12 key file")
        PKCS11 = "pkcs11", _("PKCS#11 token or HSM")
        REMOTE = "remote", _("remote signing service (CSC API)")

    label = models.SlugField(_("label"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="signers",
                               verbose_name=_("agency"))
    # Empty for the unit's own (organisation) signer, e.g. the collecting unit on receipts.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.PROTECT, related_name="signers",
                             verbose_name=_("person"))
    # pkcs12: file name under ONESTOP_SIGNATURE_DIR (or an absolute path);
    # pkcs11: "token=<token label>;key=<key label>"; remote: the CSC credential id.
    key_ref = models.CharField(_("key reference"), max_length=300)
    # Where the PIN or passphrase comes from: "env:VARIABLE", "file:/path", or empty.
    secret_ref = models.CharField(_("PIN reference"), max_length=300, blank=True)
    certificate = models.TextField(_("certificate (PEM)"))
    chain = models.TextField(_("CA certificates (PEM)"), blank=True)
    subject = models.CharField(_("certificate subject"), max_length=500)
    issuer = models.CharField(_("certificate issuer"), max_length=500)
    serial = models.CharField(_("certificate serial"), max_length=80)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    # As printed in the signature box (Decree 30/2020: position, then name).
    name = models.CharField(_("name as printed"), max_length=200)
    position = models.CharField(_("position as printed"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency", "label"]
        verbose_name = _("signer")
        verbose_name_plural = _("signers")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency"], condition=Q(is_active=True, user__isnull=False),
                name="one_active_personal_signer",
            ),
            models.UniqueConstraint(
                fields=["agency"], condition=Q(is_active=True, user__isnull=True),
                name="one_active_unit_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.label})"

    @property
    def is_demo(self) -> bool:
        """A certificate of the demo CA (onestop.signatures.democa): shown as such."""
        return "onestop DEMO" in self.issuer


class SignedDocument(models.Model):
    class Kind(models.TextChoices):
        RESULT = "result", _("electronic result")
        APOLOGY = "apology", _("apology letter (form 04)")
        REFUSAL = "refusal", _("refusal to receive (form 03)")
        STOP = "stop", _("notice of stopping processing (form 05)")
        RECEIPT = "receipt", _("fee receipt")
        OTHER = "other", _("other document")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # What a person types to find it: the dossier code, or a receipt number.
    reference = models.CharField(_("reference"), max_length=80, db_index=True)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    title = models.CharField(_("title"), max_length=300)
    signer = models.ForeignKey(Signer, on_delete=models.PROTECT, related_name="documents",
                               verbose_name=_("signer"))
    signer_name = models.CharField(_("signed by"), max_length=200)
    signer_position = models.CharField(_("position"), max_length=200, blank=True)
    signer_agency = models.CharField(_("agency"), max_length=255)
    certificate_serial = models.CharField(max_length=80)
    signed_at = models.DateTimeField(_("signed at"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    file = models.FileField(_("file"), upload_to="signed/%Y/%m/")
    timestamped = models.BooleanField(_("trusted timestamp"), default=False)

    class Meta:
        ordering = ["-signed_at", "-id"]
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")
        indexes = [models.Index(fields=["object_type", "object_id", "kind"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.reference})"

    @property
    def is_demo(self) -> bool:
        return self.signer.is_demo
