"""The documents a dossier's signer signs digitally, rendered with the place of the signature.

Forms 03, 04 and 05 and the electronic result are rendered here with `digital` set: the
signer block holds the slot (signatures/_slot.html) where the visible signature goes,
Decree 30/2020/NĐ-CP Appendix I (between the position and the name), and
onestop.signatures.layout finds it in the rendered page. Read-only, like forms.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from onestop.agencies.documents import abbreviation_of, signature_block
from onestop.core.formatting import time_words
from onestop.signatures.layout import Slot, render_with_slot
from onestop.signatures.selectors import verify_url

from ..models import ApologyLetter, Dossier
from .forms import (
    _applicant,
    _header,
    _reload,
    apology_context,
    form_html,
    refusal_context,
    stop_notice_context,
)


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    slot: Slot | None


def _render(template: str, context: dict[str, Any]) -> Rendered:
    pdf, slot = render_with_slot(form_html(template, {**context, "digital": True}),
                                 base_url=str(settings.BASE_DIR))
    return Rendered(pdf=pdf, slot=slot)


def refusal_for_signing(dossier: Dossier) -> Rendered:
    return _render(*refusal_context(dossier))


def apology_for_signing(letter: ApologyLetter) -> Rendered:
    return _render(*apology_context(letter))


def stop_notice_for_signing(dossier: Dossier) -> Rendered:
    return _render(*stop_notice_context(dossier))


def result_for_signing(dossier: Dossier | int, *, leader: Any,
                       at: datetime.datetime) -> Rendered:
    """The electronic result the leader signs on approval (dossiers/forms/result.html)."""
    dossier = _reload(dossier)
    version = dossier.procedure_version
    issuer = dossier.handling_agency
    context = {
        **_header(issuer=issuer, code=dossier.code, dated=at),
        "dossier": dossier,
        "applicant": _applicant(dossier),
        "procedure_name": version.name,
        "procedure_code": version.procedure.code,
        "legal_basis": version.legal_basis,
        "result_type": version.result_type or "Đã giải quyết",
        "received_words": time_words(dossier.received_at) if dossier.received_at else "",
        "signed": True,
        "signer": signature_block(issuer, leader),
        "archive": f"Lưu: VT, {abbreviation_of(issuer)}.",
        "verify_url": verify_url(dossier.code or ""),
    }
    return _render("result.html", context)
