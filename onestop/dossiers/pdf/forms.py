"""The one-stop forms of Circular 03/2025/TT-VPCP (Appendix I) as PDF.

Each form is a Django template under dossiers/forms/ extending one base template that
carries the look of Decree 30/2020/NĐ-CP (A4, margins, national title, agency name, place
and date); WeasyPrint turns the HTML into PDF, with Pango shaping the Vietnamese text.

These functions only read: they never change a dossier, so a surface may call them for
any dossier the user is allowed to see. Their wording is fixed Vietnamese (official
documents), see onestop.core.formatting.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from onestop.agencies.models import Agency
from onestop.core.errors import ValidationFailed
from onestop.core.formatting import place_date, short_moment, time_words, working_days
from onestop.core.models import AuditEvent
from onestop.core.qr import qr_svg_data_uri

from ..models import ApologyLetter, Dossier, DossierDocument, SupplementRequest
from .formatting import public_lookup_url, two_digits

TEMPLATE_DIR = "dossiers/forms"

# Form 06 result column (Circular 03/2025 form 06: trước hạn / đúng hạn / quá hạn).
TIMING_LABELS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}
IN_PROGRESS_LABEL = "Đang xử lý"

# A letter that is not signed must never pass for the real thing once printed.
LETTER_WATERMARKS: dict[str, str] = {
    ApologyLetter.State.DRAFT: "DỰ THẢO / DRAFT",
    ApologyLetter.State.DISMISSED: "ĐÃ HỦY / DISMISSED",
}


def render_receipt(dossier: Dossier) -> bytes:
    """Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, with a QR code to the lookup page."""
    dossier = _reload(dossier)
    if not dossier.code or dossier.received_at is None or dossier.appointment_at is None:
        raise ValidationFailed(_("A receipt exists only for a received dossier."))
    version = dossier.procedure_version
    documents = [
        {"name": doc.name, "originals": doc.originals, "copies": doc.copies}
        for doc in dossier.documents.filter(kind=DossierDocument.Kind.SUBMITTED)
        .order_by("uploaded_at", "id")
    ]
    lookup_url = public_lookup_url(dossier.code)
    context = {
        **_header(issuer=dossier.receiving_agency, code=dossier.code,
                  dated=dossier.received_at),
        "dossier": dossier,
        "procedure_name": version.name,
        "processing_days": working_days(version.processing_days),
        "documents": documents,
        "dossier_sets": two_digits(1),
        "received_words": time_words(dossier.received_at),
        "appointment_words": time_words(dossier.appointment_at),
        "lookup_url": lookup_url,
        "qr": qr_svg_data_uri(lookup_url),
        "officer": _actor_label(dossier, actions=("dossier.intake", "dossier.receive")),
    }
    return _pdf("01_receipt.html", context)


def render_supplement_request(request: SupplementRequest) -> bytes:
    """Form 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (what is missing, and why)."""
    request = (
        SupplementRequest.objects.select_related("requested_by").get(pk=request.pk)
    )
    dossier = _reload(request.dossier_id)
    items = [line.strip(" \t-•") for line in request.items.splitlines()]
    context = {
        **_header(issuer=dossier.receiving_agency, code=dossier.code,
                  dated=request.requested_at),
        "dossier": dossier,
        "procedure_name": dossier.procedure_version.name,
        "items": [item for item in items if item],
        "reason": _sentence(request.reason),
        "requested_words": time_words(request.requested_at),
        "contact": dossier.receiving_agency,
        "guide": request.requested_by.display_name,
    }
    return _pdf("02_supplement_request.html", context)


def render_refusal(dossier: Dossier) -> bytes:
    """Form 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ, with the reason given at refusal."""
    dossier = _reload(dossier)
    event = (
        AuditEvent.objects.filter(object_type="dossier", object_id=str(dossier.pk),
                                  action="dossier.refuse")
        .order_by("-seq").first()
    )
    if event is None:
        raise ValidationFailed(_("This dossier was not refused."))
    context = {
        **_header(issuer=dossier.receiving_agency, code=dossier.code, dated=event.at),
        "dossier": dossier,
        "procedure_name": dossier.procedure_version.name,
        "submitted_words": time_words(dossier.submitted_at),
        "reason": _sentence(event.reason),
        "officer": event.actor_label if event.actor_id else "",
    }
    return _pdf("03_refusal.html", context)


def render_apology(letter: ApologyLetter) -> bytes:
    """Form 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả, issued by the competent agency.

    A letter that is not signed carries a watermark across the page and no signer.
    """
    letter = ApologyLetter.objects.select_related("signed_by").get(pk=letter.pk)
    dossier = _reload(letter.dossier_id)
    signed = letter.state == ApologyLetter.State.SIGNED
    context = {
        **_header(issuer=dossier.handling_agency, code=dossier.code,
                  dated=letter.signed_at if signed and letter.signed_at else letter.prepared_at),
        "dossier": dossier,
        "procedure_name": dossier.procedure_version.name,
        "received_words": time_words(dossier.received_at) if dossier.received_at else "",
        "old_appointment_words": time_words(letter.old_appointment_at),
        "new_appointment_words": time_words(letter.proposed_appointment_at),
        "reason": _sentence(letter.reason),
        "signed": signed,
        "signer": letter.signed_by.display_name if signed and letter.signed_by else "",
        "watermark": LETTER_WATERMARKS.get(letter.state, ""),
    }
    return _pdf("04_apology.html", context)


def render_control_slip(dossier: Dossier) -> bytes:
    """Form 06: Phiếu kiểm soát quá trình giải quyết hồ sơ, one row per step of the process."""
    dossier = _reload(dossier)
    if not dossier.code or dossier.received_at is None:
        raise ValidationFailed(_("A control slip exists only for a received dossier."))
    rows = []
    for step in dossier.steps.select_related("agency", "assignee", "finished_by").order_by(
        "order"
    ):
        person = step.finished_by or step.assignee
        timing = step.timing
        if timing is not None:
            result = TIMING_LABELS[timing]
        else:
            result = IN_PROGRESS_LABEL if step.started_at is not None else ""
        rows.append({
            "order": step.order,
            "name": step.name,
            "agency": step.agency.name,
            "person": person.display_name if person is not None else "",
            "received": short_moment(step.started_at),
            "handed_over": short_moment(step.finished_at),
            "due": short_moment(step.due_at),
            "result": result,
            "late": timing == "late",
            "note": step.note,
        })
    context = {
        **_header(issuer=dossier.receiving_agency, code=dossier.code,
                  dated=dossier.received_at),
        "dossier": dossier,
        "procedure_name": dossier.procedure_version.name,
        "received_words": time_words(dossier.received_at),
        "appointment_words": time_words(dossier.appointment_at) if dossier.appointment_at
        else "",
        "rows": rows,
    }
    return _pdf("06_control_slip.html", context)


# --- shared -------------------------------------------------------------------------------


def _reload(dossier: Dossier | int) -> Dossier:
    """A fresh copy with everything the header needs, so the form shows committed data."""
    pk = dossier if isinstance(dossier, int) else dossier.pk
    return Dossier.objects.select_related(
        "procedure_version", "receiving_agency__parent", "handling_agency__parent",
    ).get(pk=pk)


def _header(*, issuer: Agency, code: str | None, dated: Any) -> dict[str, Any]:
    """The Decree 30 header: superior and issuing agency top left, place and date top right."""
    return {
        "issuer_parent": issuer.parent.name if issuer.parent is not None else "",
        "issuer": issuer.name,
        "code": code or "",
        "place_date": place_date(dated),
        "watermark": "",
    }


def _sentence(text: str) -> str:
    """A free-text reason set into a sentence of the form ends with a full stop."""
    text = text.strip()
    return text if not text or text[-1] in ".!?…:;" else f"{text}."


def _actor_label(dossier: Dossier, *, actions: tuple[str, ...]) -> str:
    """Who did the latest of `actions` on the dossier, as recorded then in the audit log."""
    event = (
        AuditEvent.objects.filter(object_type="dossier", object_id=str(dossier.pk),
                                  action__in=actions)
        .order_by("-seq").only("actor_id", "actor_label").first()
    )
    if event is None or event.actor_id is None:
        return ""
    return event.actor_label


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    # Imported here: WeasyPrint loads Pango and fonts, which every other code path can skip.
    import weasyprint

    # The forms are Vietnamese whatever the interface language is.
    with override("vi"):
        html = render_to_string(f"{TEMPLATE_DIR}/{template}", context)
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
