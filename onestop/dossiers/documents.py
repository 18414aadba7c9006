"""What a dossier's documents amount to, as the receipt slip and the back office count them.

A paper document is counted in originals and copies (bản chính, bản sao); a document filed
online is an electronic copy ("bản điện tử", Decree 45/2020/NĐ-CP on electronic procedures),
counted by its number of files, never as "0 originals, 0 copies".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .models import Dossier, DossierDocument


@dataclass(frozen=True)
class DocumentCount:
    name: str
    originals: int
    copies: int
    files: int  # uploaded files: the electronic copies

    @property
    def summary(self) -> str:
        """'01 bản chính, 01 bản sao', '01 bản điện tử (02 tệp)': fixed Vietnamese (forms)."""
        parts = []
        if self.originals:
            parts.append(f"{self.originals:02d} bản chính")
        if self.copies:
            parts.append(f"{self.copies:02d} bản sao")
        if self.files:
            parts.append(f"01 bản điện tử ({self.files:02d} tệp)")
        return ", ".join(parts) or "–"


def count_documents(documents: Iterable[DossierDocument]) -> list[DocumentCount]:
    """Documents grouped by required document (else by name), in the order first filed."""
    groups: dict[object, list[DossierDocument]] = {}
    for doc in documents:
        key = doc.required_document_id or ("name", doc.name)
        groups.setdefault(key, []).append(doc)
    return [
        DocumentCount(
            name=docs[0].name, originals=sum(d.originals for d in docs),
            copies=sum(d.copies for d in docs), files=sum(1 for d in docs if d.file),
        )
        for docs in groups.values()
    ]


def submitted_documents(dossier: Dossier) -> list[DocumentCount]:
    return count_documents(
        dossier.documents.filter(kind=DossierDocument.Kind.SUBMITTED).order_by("uploaded_at",
                                                                                 "id"))
