"""The signed documents of a dossier (results, forms 03, 04, 05), for its pages and the API.

What a page shows is "signed by … at …" from the record kept when the document was signed
(onestop.signatures.models.SignedDocument); the file itself is checked again on the public
verification page.
"""

from __future__ import annotations

from django.db.models import Q

from onestop.signatures.models import SignedDocument

from ..models import Dossier, DossierDocument

Kind = SignedDocument.Kind


def signed_documents_of(*, dossier: Dossier) -> list[SignedDocument]:
    """Every document signed for the dossier, oldest first (one query)."""
    letters = [str(letter.pk) for letter in dossier.apologies.all()]  # prefetched on pages
    return list(
        SignedDocument.objects.select_related("signer").filter(
            Q(object_type="dossier", object_id=str(dossier.pk))
            | Q(object_type="apology", object_id__in=letters))
        .order_by("signed_at", "id"))


def signed_by_file(documents: list[DossierDocument],
                   signed: list[SignedDocument] | None = None) -> dict[int, SignedDocument]:
    """{dossier document id: its signature record} for the documents whose file is a signed
    PDF (the signed result is kept under the name the signature service gave it). With
    `signed` (signed_documents_of), matched without a query."""
    names = {doc.file.name: doc.pk for doc in documents if doc.file}
    if not names:
        return {}
    if signed is None:
        signed = list(SignedDocument.objects.select_related("signer").filter(file__in=names))
    return {names[s.file.name]: s for s in signed if s.file.name in names}


def signed_form(*, dossier: Dossier, kind: str, object_id: int | None = None
                ) -> SignedDocument | None:
    """The latest signed copy of a form of the dossier (form 04: of that letter)."""
    if kind == Kind.APOLOGY:
        if object_id is None:
            return None
        qs = SignedDocument.objects.filter(object_type="apology", object_id=str(object_id))
    else:
        qs = SignedDocument.objects.filter(object_type="dossier", object_id=str(dossier.pk))
    return qs.filter(kind=kind).order_by("-signed_at", "-id").first()
