"""Public verification of signed documents: upload a PDF, or look up a dossier code or a
receipt number (the same answers as the portal's /xac-thuc/ page, one allowance per address)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, UploadedFile

from onestop.core.errors import ValidationFailed
from onestop.core.ratelimit import hit, lookup_key
from onestop.payments.selectors import receipt_by_number
from onestop.signatures.selectors import issued_documents_checked, issued_with_hash
from onestop.signatures.verify import Report, verify_pdf

from .base import ERRORS, InputSchema

router = Router(tags=["signatures"])


class VerifiedSignatureOut(Schema):
    ok: bool
    signer_name: str
    signer_title: str
    signer_unit: str
    signed_at: datetime.datetime | None
    timestamp_at: datetime.datetime | None
    intact: bool
    changed_after_signing: bool
    trusted: bool
    revoked: bool
    demo_certificate: bool
    chain: list[str]
    problems: list[str]


class VerificationOut(Schema):
    ok: bool
    sha256: str
    error: str
    signatures: list[VerifiedSignatureOut]
    issued_here: bool
    title: str | None = None


class IssuedDocumentOut(Schema):
    kind: str
    title: str
    signed_by: str
    signed_at: datetime.datetime
    unchanged: bool
    report: VerificationOut


class VerificationLookupOut(Schema):
    code: str
    receipt_state: str | None
    documents: list[IssuedDocumentOut]


class VerificationLookupIn(InputSchema):
    code: str


def _report(report: Report) -> dict[str, Any]:
    issued = issued_with_hash(sha256=report.sha256) if report.signatures else None
    return {"ok": report.ok, "sha256": report.sha256, "error": report.error,
            "signatures": [s.as_dict() for s in report.signatures],
            "issued_here": issued is not None, "title": issued.title if issued else None}


def _limit(request: HttpRequest) -> None:
    # The same key as the portal page's: one allowance per address for both.
    hit(key=lookup_key(request, scope="verify"), limit=settings.ONESTOP_LOOKUP_RATE_LIMIT,
        window_seconds=settings.ONESTOP_LOOKUP_RATE_WINDOW)


@router.post("/signatures/verify", response={200: VerificationOut, **ERRORS},
             summary="Check the digital signatures of an uploaded PDF (multipart, field file)")
def verify_upload(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    _limit(request)
    if file.size is not None and file.size > settings.ONESTOP_UPLOAD_MAX_BYTES:
        raise ValidationFailed(_("The file is larger than %(mb)s MB."),
                               mb=settings.ONESTOP_UPLOAD_MAX_BYTES // (1024 * 1024))
    report = verify_pdf(file.read())
    if report.unreadable:
        raise ValidationFailed(report.error)
    return _report(report)


@router.get("/signatures/verify", response={200: VerificationLookupOut, **ERRORS},
            summary="The documents signed here for a dossier code or receipt number, "
                    "checked again")
def verify_code(request: HttpRequest, params: Query[VerificationLookupIn]) -> dict[str, Any]:
    _limit(request)
    code = params.code.strip()[:80]
    if not code:
        raise ValidationFailed(_("Enter a dossier code or a receipt number."))
    receipt = receipt_by_number(number=code)
    return {
        "code": code, "receipt_state": receipt.state if receipt else None,
        "documents": [{"kind": c.document.kind, "title": c.document.title,
                       "signed_by": c.document.signer_name, "signed_at": c.document.signed_at,
                       "unchanged": c.unchanged, "report": _report(c.report)}
                      for c in issued_documents_checked(reference=code)],
    }
