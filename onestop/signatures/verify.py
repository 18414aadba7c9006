"""Check the signatures of a PDF: who signed, when, changed since, trusted chain.

Used by the public verification page, the API and `onestop pdf verify`. The document's own
security store (PAdES B-LT: certificates, CRLs, OCSP responses embedded at signing) is used
together with this installation's trust list (onestop.signatures.trust).
"""

from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.status import SignatureCoverageLevel

from .democa import DEMO_ORGANISATION
from .keys import run
from .trust import validation_context, validation_kwargs

# pyHanko's modification levels that are not a change of content: the B-LT/LTA updates
# (security store, document timestamps) that are written after the signature by design.
MAINTENANCE = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)


def _name_attr(name: asn1_x509.Name, attr: str) -> str:
    value = name.native.get(attr, "")
    return value[-1] if isinstance(value, list) else str(value or "")


@dataclass
class SignatureCheck:
    field_name: str
    signer_name: str
    signer_unit: str
    signer_title: str
    subject: str
    issuer: str
    serial: str
    signed_at: datetime.datetime | None
    timestamp_at: datetime.datetime | None
    intact: bool
    valid: bool
    trusted: bool
    revoked: bool
    changed_after: bool
    demo: bool
    chain: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and not self.revoked \
            and not self.changed_after

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field_name, "ok": self.ok, "signer_name": self.signer_name,
            "signer_unit": self.signer_unit, "signer_title": self.signer_title,
            "subject": self.subject, "issuer": self.issuer, "serial": self.serial,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "timestamp_at": self.timestamp_at.isoformat() if self.timestamp_at else None,
            "intact": self.intact, "valid": self.valid, "trusted": self.trusted,
            "revoked": self.revoked, "changed_after_signing": self.changed_after,
            "demo_certificate": self.demo, "chain": self.chain, "problems": self.problems,
        }


@dataclass
class Report:
    sha256: str
    size: int
    signatures: list[SignatureCheck] = field(default_factory=list)
    error: str = ""
    unreadable: bool = False

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.signatures) and all(s.ok for s in self.signatures)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "sha256": self.sha256, "size": self.size, "error": self.error,
                "signatures": [s.as_dict() for s in self.signatures]}


async def _check(reader: PdfFileReader) -> list[SignatureCheck]:
    dss = DocumentSecurityStore.read_dss(reader) if "/DSS" in reader.root else None
    checks = []
    for embedded in reader.embedded_signatures:
        context = (dss.as_validation_context(validation_kwargs()) if dss is not None
                   else validation_context())
        status = await async_validate_pdf_signature(embedded, context, context)
        cert = status.signing_cert
        problems = []
        if not status.intact:
            problems.append(_("The document was changed after it was signed: the signed "
                              "bytes no longer match the signature."))
        elif not status.valid:
            problems.append(_("The signature value does not match the signer's certificate."))
        if status.intact and status.valid and not status.trusted:
            problems.append(_("The certificate chain does not lead to a trusted root."))
        if status.revoked:
            problems.append(_("The signer's certificate was revoked."))
        level = status.modification_level
        changed_after = (status.coverage != SignatureCoverageLevel.ENTIRE_FILE
                         and (level is None or level not in MAINTENANCE))
        if changed_after:
            problems.append(_("Content was added or changed after signing."))
        chain = []
        path = status.validation_path
        if path is not None:
            chain = [_name_attr(c.subject, "common_name") or c.subject.human_friendly
                     for c in path.iter_certs(include_root=True)]
        ts = status.timestamp_validity
        checks.append(SignatureCheck(
            field_name=embedded.field_name or "",
            signer_name=_name_attr(cert.subject, "common_name"),
            signer_unit=_name_attr(cert.subject, "organizational_unit_name"),
            signer_title=_name_attr(cert.subject, "title"),
            subject=cert.subject.human_friendly, issuer=cert.issuer.human_friendly,
            serial=str(cert.serial_number),
            signed_at=status.signer_reported_dt,
            timestamp_at=ts.timestamp if ts is not None and ts.intact and ts.valid else None,
            intact=bool(status.intact), valid=bool(status.valid),
            trusted=bool(status.trusted), revoked=bool(status.revoked),
            changed_after=changed_after,
            demo=DEMO_ORGANISATION in _name_attr(cert.subject, "organization_name"),
            chain=chain, problems=problems,
        ))
    return checks


def verify_pdf(data: bytes) -> Report:
    report = Report(sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        report.signatures = run(_check(reader))
    except (PdfError, ValueError, KeyError, TypeError, OSError) as exc:
        report.error = _("This file is not a readable PDF (%(error)s).") % {
            "error": type(exc).__name__}
        report.unreadable = True
        return report
    if not report.signatures:
        report.error = _("The document carries no digital signature.")
    return report
