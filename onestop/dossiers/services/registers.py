"""Per-agency registers of the numbered forms: "Số: 05/XL-STP" (Decree 30/2020/NĐ-CP).

The number runs per issuing agency, form and year; the symbol is the form's abbreviation and
the agency's (onestop.agencies.documents.abbreviation_of). Decree 30 Appendix III gives no
abbreviation for these one-stop forms: `FORM_SYMBOLS` are the platform's defaults
(docs/legal-rules.md), and the agency's own abbreviation is editable in the admin.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from onestop.agencies.documents import abbreviation_of
from onestop.agencies.models import Agency
from onestop.core.sequences import next_in_sequence

from ..models import Dossier, FormCounter, FormKind, IssuedForm

FORM_SYMBOLS = {
    FormKind.RECEIPT: "TNHS",  # tiếp nhận hồ sơ
    FormKind.SUPPLEMENT: "BSHS",  # bổ sung hồ sơ
    FormKind.REFUSAL: "TCHS",  # từ chối hồ sơ
    FormKind.APOLOGY: "XL",  # xin lỗi
    FormKind.STOP: "TB",  # thông báo (Decree 30 Appendix III)
}


def form_issue(*, form: FormKind, agency: Agency, dossier: Dossier, at: datetime.datetime,
               object_id: object = "") -> IssuedForm:
    """Enter the form in the agency's register, once (inside the issuing service's
    transaction: the number is given back if it rolls back)."""
    key = str(object_id or "")
    existing = IssuedForm.objects.filter(form=form, dossier=dossier, object_id=key).first()
    if existing is not None:
        return existing
    year = timezone.localtime(at).year
    number = next_in_sequence(FormCounter, agency=agency, form=str(form), year=year)
    return IssuedForm.objects.create(
        agency=agency, form=form, year=year, number=number, dossier=dossier, object_id=key,
        symbol=f"{FORM_SYMBOLS[form]}-{abbreviation_of(agency)}", issued_at=at)


def issued(*, form: FormKind, dossier_id: int, object_id: object = "") -> IssuedForm | None:
    return IssuedForm.objects.filter(form=form, dossier_id=dossier_id,
                                     object_id=str(object_id or "")).first()
