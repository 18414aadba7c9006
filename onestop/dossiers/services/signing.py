"""Digital signatures of what a dossier's services issue: the result, forms 03, 04 and 05.

An electronic document is valid with the digital signature of the competent person (Law on
Electronic Transactions 2023, Law 20/2023/QH15; docs/signatures.md): the leader signs the
result on approval and the apology letter (form 04), the leader who stops processing signs
form 05, the one-stop officer (or, without a personal key, the receiving unit) signs form
03. Each is signed inside the service's own transaction, so a refused signature (expired,
revoked, untrusted certificate; key store down) refuses the action and writes nothing.

Who has no key: with ONESTOP_SIGNATURE_REQUIRED the action is refused; without it the
document is issued as before, printed and signed by hand (the forms still render).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency
from onestop.signatures.errors import SigningRefused
from onestop.signatures.models import SignedDocument, Signer
from onestop.signatures.selectors import signer_for
from onestop.signatures.services import SignedPdf, document_record, pdf_sign

from ..models import ApologyLetter, Dossier, DossierDocument

Kind = SignedDocument.Kind


def signer_of(*, agency: Agency, user: Any | None, unit_fallback: bool = False) -> Signer | None:
    """The key `user` signs with for `agency` (or the agency's own, with `unit_fallback`).

    None when there is none and signatures are not required; refused when they are.
    """
    signer = signer_for(agency=agency, user=user) if user is not None else None
    if signer is None and (unit_fallback or user is None):
        signer = signer_for(agency=agency)
    if signer is None and settings.ONESTOP_SIGNATURE_REQUIRED:
        who = getattr(user, "display_name", "") or agency.name
        raise SigningRefused(
            _("%(person)s has no digital signature key registered at %(agency)s: the "
              "document cannot be issued. Ask the administrator to register the "
              "certificate."), person=who, agency=agency.name)
    return signer


@dataclass(frozen=True)
class PreparedResult:
    """A result signed before the dossier's lock was taken, and the dossier version it was
    rendered from (signed again under the lock if the dossier changed meanwhile)."""

    signed: SignedPdf
    version: int


def draft_result_of(dossier: Dossier) -> DossierDocument | None:
    """The specialist's latest draft result, the one the leader approves."""
    return (DossierDocument.objects.filter(dossier=dossier,
                                           kind=DossierDocument.Kind.DRAFT_RESULT)
            .exclude(file="").order_by("-uploaded_at", "-id").first())


def result_prepare(*, dossier: Dossier, leader: Any, at: datetime.datetime) -> SignedPdf | None:
    """Sign the electronic result; nothing is written. None without a key.

    The specialist's latest draft result is the result when there is one (signed as it is,
    the visible signature in the default place); otherwise the result is rendered from the
    dossier (dossiers/forms/result.html)."""
    from ..pdf.signed import result_for_signing

    signer = signer_of(agency=dossier.handling_agency, user=leader)
    if signer is None:
        return None
    reason = "Phê duyệt kết quả giải quyết"
    draft = draft_result_of(dossier)
    if draft is not None:
        with draft.file.open("rb") as handle:
            return pdf_sign(pdf=handle.read(), signer=signer, reason=reason)
    rendered = result_for_signing(dossier, leader=leader, at=at)
    return pdf_sign(pdf=rendered.pdf, signer=signer, reason=reason, slot=rendered.slot)


def result_from_draft(*, dossier: Dossier, actor: Any,
                      at: datetime.datetime) -> DossierDocument | None:
    """Without a signature: the approved draft becomes the result document as it is."""
    draft = draft_result_of(dossier)
    if draft is None:
        return None
    return DossierDocument.objects.create(
        dossier=dossier, kind=DossierDocument.Kind.RESULT,
        name=dossier.procedure_version.result_type or str(_("Electronic result")),
        file=draft.file.name, uploaded_by=actor, uploaded_at=at)


def result_record(*, dossier: Dossier, signed: SignedPdf, actor: Any,
                  at: datetime.datetime) -> DossierDocument:
    """Keep the signed result (its SHA-256 goes to the audit log) as the dossier's result
    document, the file the citizen downloads once it is returned."""
    title = f"{dossier.procedure_version.result_type or 'Kết quả'} – {dossier.code}"
    document = document_record(signed=signed, kind=Kind.RESULT, reference=dossier.code or "",
                               object_type="dossier", object_id=dossier.pk, title=title,
                               actor=actor, at=at)
    return DossierDocument.objects.create(
        dossier=dossier, kind=DossierDocument.Kind.RESULT,
        name=dossier.procedure_version.result_type or str(_("Electronic result")),
        file=document.file.name, uploaded_by=actor, uploaded_at=at)


def apology_signed(*, letter: ApologyLetter, dossier: Dossier, leader: Any,
                   at: datetime.datetime) -> SignedDocument | None:
    """Form 04 signed by the leader, once the letter is signed and numbered."""
    from ..pdf.signed import apology_for_signing

    signer = signer_of(agency=dossier.handling_agency, user=leader)
    if signer is None:
        return None
    rendered = apology_for_signing(letter)
    signed = pdf_sign(pdf=rendered.pdf, signer=signer, slot=rendered.slot,
                      reason="Xin lỗi và đề nghị gia hạn thời gian giải quyết")
    return document_record(signed=signed, kind=Kind.APOLOGY, reference=dossier.code or "",
                           object_type="apology", object_id=letter.pk,
                           title=f"Văn bản xin lỗi – {dossier.code}", actor=leader, at=at)


def refusal_signed(*, dossier: Dossier, officer: Any, at: datetime.datetime,
                   number: str) -> SignedDocument | None:
    """Form 03 signed by the receiving officer, or by the receiving unit. A refused dossier
    has no code (it was never received): the form's number ("05/TCHS-BPMC") finds it."""
    from ..pdf.signed import refusal_for_signing

    signer = signer_of(agency=dossier.receiving_agency, user=officer, unit_fallback=True)
    if signer is None:
        return None
    rendered = refusal_for_signing(dossier)
    signed = pdf_sign(pdf=rendered.pdf, signer=signer, slot=rendered.slot,
                      reason="Từ chối tiếp nhận giải quyết hồ sơ")
    return document_record(signed=signed, kind=Kind.REFUSAL,
                           reference=dossier.code or number, object_type="dossier",
                           object_id=dossier.pk, actor=officer, at=at,
                           title=f"Phiếu từ chối tiếp nhận – {dossier.code or number}")


def stop_signed(*, dossier: Dossier, leader: Any, at: datetime.datetime) -> SignedDocument | None:
    """Form 05 signed by the person who stopped processing for the competent agency."""
    from ..pdf.signed import stop_notice_for_signing

    signer = signer_of(agency=dossier.handling_agency, user=leader)
    if signer is None:
        return None
    rendered = stop_notice_for_signing(dossier)
    signed = pdf_sign(pdf=rendered.pdf, signer=signer, slot=rendered.slot,
                      reason="Thông báo dừng giải quyết hồ sơ")
    return document_record(signed=signed, kind=Kind.STOP, reference=dossier.code or "",
                           object_type="dossier", object_id=dossier.pk,
                           title=f"Thông báo dừng giải quyết – {dossier.code}", actor=leader,
                           at=at)
