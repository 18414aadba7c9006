"""Reads of the signature service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency

from .errors import SigningRefused
from .keys import KeyHandle, open_key
from .models import SignedDocument, Signer
from .verify import Report, verify_pdf


def signer_for(*, agency: Agency | int, user: Any | None = None) -> Signer | None:
    """The active signer of `user` for `agency`, or the agency's own with no user."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    return (Signer.objects.select_related("agency")
            .filter(agency_id=agency_id, user=user, is_active=True).first())


def agency_key(*, agency: Agency) -> KeyHandle:
    """The agency's own key and certificate chain, for other signature formats.

    For the exchange app (XML-DSig of edXML messages): `handle.private_key()` has the
    `cryptography` private-key interface signxml signs with (a token or remote key signs
    through it without leaving its store); `handle.certificate` and `handle.chain` go into
    KeyInfo. Raises SigningRefused when the agency has no signer.
    """
    signer = signer_for(agency=agency)
    if signer is None:
        raise SigningRefused(_("%(agency)s has no signing key registered."), agency=agency.name)
    return open_key(signer)


def documents_for(*, reference: str) -> QuerySet[SignedDocument]:
    return (SignedDocument.objects.filter(reference=reference)
            .select_related("signer").order_by("signed_at", "id"))


def latest_signed(*, object_type: str, object_id: str | int,
                  kind: str | None = None) -> SignedDocument | None:
    qs = SignedDocument.objects.filter(object_type=object_type, object_id=str(object_id))
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.order_by("-signed_at", "-id").first()


def verify_url(reference: str = "") -> str:
    """The public verification page (for a dossier code or receipt number), as printed on
    documents and in receipt QR codes: absolute, since it is read off paper."""
    base = f"{settings.PUBLIC_BASE_URL}/xac-thuc/"
    return f"{base}?{urlencode({'code': reference})}" if reference else base


@dataclass(frozen=True)
class IssuedCheck:
    """A document this installation signed, checked again now."""

    document: SignedDocument
    report: Report

    @property
    def unchanged(self) -> bool:
        """The stored file is still the one whose hash went into the audit log."""
        return self.report.sha256 == self.document.sha256


def issued_documents_checked(*, reference: str, limit: int = 20) -> list[IssuedCheck]:
    """Every document signed for a dossier code or receipt number, verified afresh.

    Shows who signed, when and whether it holds; never the file (it carries personal data).
    """
    checks = []
    for document in documents_for(reference=reference.strip())[:limit]:
        with document.file.open("rb") as handle:
            checks.append(IssuedCheck(document=document, report=verify_pdf(handle.read())))
    return checks


def issued_with_hash(*, sha256: str) -> SignedDocument | None:
    """The document this installation signed whose file has exactly this SHA-256."""
    return SignedDocument.objects.filter(sha256=sha256).select_related("signer").first()
