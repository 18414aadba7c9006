"""Writes of the signature service: register a signer, sign a document.

`document_sign` is called by the apps whose documents are signed (dossiers: results, forms
03, 04 and 05; payments: receipts) inside their own transaction, so a refused signature
refuses the whole action and a signed document is recorded together with the action.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from dataclasses import dataclass
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pyhanko.sign.general import SigningError
from pyhanko_certvalidator import CertificateValidator
from pyhanko_certvalidator.errors import (
    InsufficientRevinfoError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)

from onestop.agencies.models import Agency
from onestop.core.audit import audit_append
from onestop.core.errors import ValidationFailed

from .errors import KeyUnavailable, SigningRefused
from .keys import FileKeyHandle, KeyHandle, open_key, remote_certificates, run
from .layout import Slot
from .models import SignedDocument, Signer
from .pades import Appearance, sign_pdf
from .trust import pem_certificates, to_pem, trust_state, validation_context


def _dn(name: x509.Name) -> str:
    return name.rfc4514_string()[:500]


@transaction.atomic
def signer_register(
    *, label: str, kind: str, agency: Agency, key_ref: str, name: str,
    certificate: x509.Certificate | None = None, chain: list[x509.Certificate] | None = None,
    user: Any | None = None, position: str = "", secret_ref: str = "",
    actor: Any | None = None,
) -> Signer:
    """Record which key a person (or, without `user`, the agency itself) signs with.

    A PKCS#12 file is opened once to read its certificate and prove the key is there; a
    token or remote key brings its certificate (public) with it. An earlier active signer
    for the same person and agency is retired, so a renewed certificate takes over at once.
    """
    if kind not in Signer.Kind.values:
        raise ValidationFailed(_("Unknown kind of key store %(kind)s."), kind=kind)
    probe = Signer(label=label, kind=kind, agency=agency, user=user, key_ref=key_ref,
                   secret_ref=secret_ref, name=name, position=position)
    if kind == Signer.Kind.PKCS12:
        handle = FileKeyHandle(probe)
        certificate, chain = handle.certificate, handle.chain
    elif kind == Signer.Kind.REMOTE and certificate is None:
        certificate, *chain = remote_certificates(key_ref)
    if certificate is None:
        raise ValidationFailed(_("A token or remote key needs its certificate."))
    chain = [c for c in (chain or []) if c != certificate]
    probe.certificate = to_pem([certificate])
    probe.chain = to_pem(chain)
    probe.subject = _dn(certificate.subject)
    probe.issuer = _dn(certificate.issuer)
    probe.serial = format(certificate.serial_number, "x")
    probe.not_before = certificate.not_valid_before_utc
    probe.not_after = certificate.not_valid_after_utc
    Signer.objects.filter(agency=agency, user=user, is_active=True).update(is_active=False)
    probe.save()
    audit_append(actor=actor, action="signature.signer_register", object_type="signer",
                 object_id=probe.pk, data={"label": label, "kind": kind, "agency": agency.code,
                                           "user": getattr(user, "pk", None),
                                           "serial": probe.serial, "subject": probe.subject})
    return probe


def _day(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y}"


# A certificate found good is not checked against the CRLs again for this long, as long as
# the trust list and the local CRLs stay the same (a new CRL or root invalidates at once,
# trust.trust_state). Bounds how stale a fetched CRL or OCSP answer can be.
CHECK_SECONDS = 300
_checked: dict[tuple[Any, ...], float] = {}


def certificate_check(handle: KeyHandle, *, at: datetime.datetime) -> None:
    """Refuse, with a clear message, a certificate that is not valid at `at`: outside its
    validity period, revoked (CRL/OCSP where configured), or not chaining to a trusted root.

    The path and revocation check is remembered per process for `CHECK_SECONDS` under the
    current trust state; the validity period is checked every time.
    """
    cert = handle.certificate
    who = handle.signer.name
    if at < cert.not_valid_before_utc:
        raise SigningRefused(
            _("The certificate of %(name)s is valid only from %(date)s: it cannot sign yet."),
            name=who, date=_day(cert.not_valid_before_utc))
    if at > cert.not_valid_after_utc:
        raise SigningRefused(
            _("The certificate of %(name)s expired on %(date)s: it can no longer sign. "
              "Register the renewed certificate."),
            name=who, date=_day(cert.not_valid_after_utc))
    key = (cert.fingerprint(hashes.SHA256()), trust_state())
    seen = _checked.get(key)
    if seen is not None and 0 <= time.monotonic() - seen < CHECK_SECONDS:
        return
    _path_check(handle, at=at)
    if len(_checked) > 1000:
        _checked.clear()
    _checked[key] = time.monotonic()


def _path_check(handle: KeyHandle, *, at: datetime.datetime) -> None:
    who = handle.signer.name
    validator = CertificateValidator(
        handle.asn1_certificate, intermediate_certs=handle.asn1_chain,
        validation_context=validation_context(moment=at, other_certs=handle.asn1_chain))
    try:
        run(validator.async_validate_usage({"digital_signature"}))
    except RevokedError as exc:
        raise SigningRefused(
            _("The certificate of %(name)s has been revoked: it can no longer sign."),
            name=who) from exc
    except InsufficientRevinfoError as exc:
        raise SigningRefused(
            _("No current revocation information for the certificate of %(name)s: it cannot "
              "sign until the CA's CRL or OCSP service can be reached."), name=who) from exc
    except PathBuildingError as exc:
        raise SigningRefused(
            _("The certificate of %(name)s does not chain to a trusted root CA."),
            name=who) from exc
    except PathValidationError as exc:
        raise SigningRefused(
            _("The certificate of %(name)s is not valid for signing."), name=who) from exc


@dataclass(frozen=True)
class SignedPdf:
    """A PDF signed and not yet recorded (`pdf_sign`), so a caller can sign before it takes
    its row locks and record the result inside its transaction (`document_record`)."""

    pdf: bytes
    signer: Signer
    signed_at: datetime.datetime
    timestamped: bool

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def pdf_sign(*, pdf: bytes, signer: Signer, reason: str, slot: Slot | None = None) -> SignedPdf:
    """Sign a PDF with `signer`'s key; writes nothing.

    Refuses (SigningRefused) an inactive signer and a certificate that is not valid now
    (expired, not yet valid, revoked, untrusted); KeyUnavailable when the key store does not
    answer or refuses. The signature's own time is always the real clock.
    """
    if not signer.is_active:
        raise SigningRefused(_("The signer %(name)s is no longer active."), name=signer.name)
    now = timezone.now()
    handle = open_key(signer)
    certificate_check(handle, at=now)
    appearance = Appearance(name=signer.name, position=signer.position,
                            agency=signer.agency.name, reason=reason,
                            personal=signer.user_id is not None)
    try:
        signed = sign_pdf(pdf, handle=handle, appearance=appearance, slot=slot, at=now)
    except SigningError as exc:  # the key store refused (wrong PIN, service error, …)
        raise KeyUnavailable(_("The key store of %(name)s refused to sign: %(error)s"),
                             name=signer.name, error=str(exc)) from exc
    return SignedPdf(pdf=signed.pdf, signer=signer, signed_at=now,
                     timestamped=signed.timestamped)


def document_record(
    *, signed: SignedPdf, kind: str, reference: str, object_type: str, object_id: str | int,
    title: str, actor: Any | None = None, at: datetime.datetime | None = None,
) -> SignedDocument:
    """Keep a signed PDF: the file, its record, and its SHA-256 in the audit log.

    `at` is the moment of the action the audit event records (the approval, the letter),
    which a simulation such as the demo sets in the past. Runs in the caller's transaction.
    """
    signer = signed.signer
    digest = signed.sha256
    with transaction.atomic():
        document = SignedDocument(
            kind=kind, reference=reference, object_type=object_type,
            object_id=str(object_id), title=title[:300], signer=signer,
            signer_name=signer.name, signer_position=signer.position,
            signer_agency=signer.agency.name, certificate_serial=signer.serial,
            signed_at=signed.signed_at, sha256=digest, size=len(signed.pdf),
            timestamped=signed.timestamped,
        )
        document.file.save(f"{_file_stem(reference)}-{kind}.pdf", ContentFile(signed.pdf),
                           save=False)
        document.save()
        audit_append(actor=actor, action="signature.sign", object_type=object_type,
                     object_id=object_id, at=at or signed.signed_at,
                     data={"document": document.pk, "kind": kind, "sha256": digest,
                           "signer": signer.label, "serial": signer.serial,
                           "timestamped": signed.timestamped})
    return document


def document_sign(
    *, pdf: bytes, signer: Signer, kind: str, reference: str, object_type: str,
    object_id: str | int, title: str, reason: str, slot: Slot | None = None,
    actor: Any | None = None, at: datetime.datetime | None = None,
) -> SignedDocument:
    """Sign a PDF with `signer`'s key and record it (`pdf_sign`, then `document_record`).

    Runs in the caller's transaction when there is one, so a refused signature refuses the
    caller's whole action.
    """
    signed = pdf_sign(pdf=pdf, signer=signer, reason=reason, slot=slot)
    return document_record(signed=signed, kind=kind, reference=reference,
                           object_type=object_type, object_id=object_id, title=title,
                           actor=actor, at=at)


def _file_stem(reference: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in reference) or "document"


def certificate_from_file(data: bytes) -> x509.Certificate:
    """A certificate in PEM or DER (what a CA hands out with a token)."""
    try:
        return pem_certificates(data.decode())[0] if b"-----BEGIN" in data \
            else x509.load_der_x509_certificate(data)
    except (ValueError, IndexError) as exc:
        raise ValidationFailed(_("This is not an X.509 certificate.")) from exc


def asn1_of(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
