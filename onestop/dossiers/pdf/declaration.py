"""The electronic declaration (tờ khai điện tử) of an online filing, printed to PDF.

Rendered once, when the dossier is filed (onestop.dossiers.services.intake), and kept as the
submitted declaration document, so staff open what the citizen declared like any other
document, and the file never changes if the catalog's form changes later.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from onestop.core.formatting import time_words

from ..declaration import fields_of, sections
from ..models import Dossier
from .forms import _pdf


def render_declaration(dossier: Dossier, values: dict[str, str]) -> bytes:
    version = dossier.procedure_version
    account: Any = dossier.applicant
    context = {
        "dossier": dossier, "procedure_name": version.name,
        "addressee": dossier.handling_agency.name,
        "sections": sections(fields_of(version), values),
        "account": (getattr(account, "phone", "") or getattr(account, "email", "")
                    if account else ""),
        "submitted_words": time_words(dossier.submitted_at),
        # A demo instance's filings are demo data, and say so on the page.
        "demo": settings.ONESTOP_DEMO,
    }
    return _pdf("declaration.html", context)
