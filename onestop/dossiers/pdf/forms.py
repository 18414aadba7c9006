"""The one-stop forms of Circular 03/2025/TT-VPCP (Appendix I, forms 01–07) as PDF.

Circular 03/2025/TT-VPCP (2025-09-15, guiding Decree 118/2025/NĐ-CP) replaced the forms of
Circular 01/2018/TT-VPCP. Each form is a Django template under dossiers/forms/ extending one
base template that carries the look of Decree 30/2020/NĐ-CP (A4, margins, national title,
parent authority and issuer, number and symbol, place and date); WeasyPrint turns the HTML
into PDF, with Pango shaping the Vietnamese text.

These functions only read: they never change a dossier, so a surface may call them for
any dossier the user is allowed to see. Numbers come from the registers the issuing services
filled (onestop.dossiers.services.registers). Their wording is fixed Vietnamese (official
documents), see onestop.core.formatting.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from onestop.agencies.documents import (
    abbreviation_of,
    parent_authority,
    place_of,
    signature_block,
)
from onestop.agencies.models import Agency
from onestop.core.errors import ValidationFailed
from onestop.core.formatting import (
    date_words,
    local,
    place_date,
    short_moment,
    time_words,
    working_days,
)
from onestop.core.models import AuditEvent
from onestop.core.qr import qr_svg_data_uri

from ..documents import submitted_documents
from ..models import (
    ApologyLetter,
    Dossier,
    FormKind,
    IssuedForm,
    ResultDelivery,
    SupplementRequest,
)
from ..services.registers import FORM_SYMBOLS
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
DELIVERY_LABELS = {
    ResultDelivery.COUNTER: "Bộ phận Một cửa",
    ResultDelivery.POST: "Qua dịch vụ bưu chính công ích",
}


def render_receipt(dossier: Dossier) -> bytes:
    """Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, with a QR code to the lookup page."""
    dossier = _reload(dossier)
    if not dossier.code or dossier.received_at is None or dossier.appointment_at is None:
        raise ValidationFailed(_("A receipt exists only for a received dossier."))
    version = dossier.procedure_version
    lookup_url = public_lookup_url(dossier.code)
    issued = _issued(FormKind.RECEIPT, dossier)
    context = {
        **_header(issuer=dossier.receiving_agency, code=dossier.code,
                  dated=dossier.received_at, form=FormKind.RECEIPT, issued=issued),
        "dossier": dossier,
        "applicant": _applicant(dossier),
        "procedure_name": version.name,
        "processing_days": working_days(version.processing_days),
        "documents": submitted_documents(dossier),
        "dossier_sets": two_digits(1),
        "received_words": time_words(dossier.received_at),
        "appointment_words": time_words(dossier.appointment_at),
        "delivery_choices": [(label, dossier.result_delivery == key)
                             for key, label in DELIVERY_LABELS.items()],
        "return_place": _return_place(dossier),
        # Form 01 is entered in the receiving centre's tracking register (form 07): one book
        # per year, the entry is the slip's number in that year.
        "register_book": str(issued.year) if issued else "",
        "register_entry": two_digits(issued.number) if issued else "",
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
                  dated=request.requested_at, form=FormKind.SUPPLEMENT,
                  issued=_issued(FormKind.SUPPLEMENT, dossier, request.pk)),
        "dossier": dossier,
        "applicant": _applicant(dossier),
        "procedure_name": dossier.procedure_version.name,
        "items": [item for item in items if item],
        "reason": _sentence(request.reason),
        "requested_words": time_words(request.requested_at),
        "contact": dossier.receiving_agency,
        "guide": request.requested_by.display_name,
    }
    return _pdf("02_supplement_request.html", context)


def render_refusal(dossier: Dossier) -> bytes:
    """Form 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ, with the reason given at refusal.

    For an online filing or a paper dossier refused at the counter alike.
    """
    return _pdf(*refusal_context(dossier))


def refusal_context(dossier: Dossier) -> tuple[str, dict[str, Any]]:
    dossier = _reload(dossier)
    event = _latest_event(dossier, "dossier.refuse")
    if event is None:
        raise ValidationFailed(_("This dossier was not refused."))
    context = {
        **_header(issuer=dossier.receiving_agency, code=dossier.code, dated=event.at,
                  form=FormKind.REFUSAL, issued=_issued(FormKind.REFUSAL, dossier)),
        "dossier": dossier,
        "applicant": _applicant(dossier),
        "procedure_name": dossier.procedure_version.name,
        "submitted_words": time_words(dossier.submitted_at),
        "reason": _sentence(event.reason),
        "officer": event.actor_label if event.actor_id else "",
    }
    return "03_refusal.html", context


def render_apology(letter: ApologyLetter) -> bytes:
    """Form 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết, issued by the
    competent agency and signed by its head or a deputy ("KT.").

    A letter that is not signed carries a watermark across the page, no number and no signer.
    """
    return _pdf(*apology_context(letter))


def apology_context(letter: ApologyLetter) -> tuple[str, dict[str, Any]]:
    letter = ApologyLetter.objects.select_related("signed_by").get(pk=letter.pk)
    dossier = _reload(letter.dossier_id)
    signed = letter.state == ApologyLetter.State.SIGNED
    issuer = dossier.handling_agency
    block = signature_block(issuer, letter.signed_by if signed else None)
    context = {
        **_header(issuer=issuer, code=dossier.code,
                  dated=letter.signed_at if signed and letter.signed_at else letter.prepared_at,
                  form=FormKind.APOLOGY,
                  issued=_issued(FormKind.APOLOGY, dossier, letter.pk) if signed else None),
        "dossier": dossier,
        "applicant": _applicant(dossier),
        "procedure_name": dossier.procedure_version.name,
        "received_words": time_words(dossier.received_at) if dossier.received_at else "",
        "old_appointment_words": time_words(letter.old_appointment_at),
        "new_appointment_words": time_words(letter.proposed_appointment_at),
        "reason": _sentence(letter.reason),
        "signed": signed,
        "signer": block,
        "archive": f"Lưu: VT, {abbreviation_of(issuer)}.",
        "watermark": LETTER_WATERMARKS.get(letter.state, ""),
    }
    return "04_apology.html", context


def render_stop_notice(dossier: Dossier) -> bytes:
    """Form 05: Thông báo dừng giải quyết hồ sơ, issued by the competent agency with the
    reason recorded when processing was stopped (status 8)."""
    return _pdf(*stop_notice_context(dossier))


def stop_notice_context(dossier: Dossier) -> tuple[str, dict[str, Any]]:
    dossier = _reload(dossier)
    event = _latest_event(dossier, "dossier.stop")
    if event is None:
        raise ValidationFailed(_("Processing of this dossier was not stopped."))
    issuer = dossier.handling_agency
    signer = event.actor if event.actor_id else None
    context = {
        **_header(issuer=issuer, code=dossier.code, dated=event.at, form=FormKind.STOP,
                  issued=_issued(FormKind.STOP, dossier)),
        "dossier": dossier,
        "applicant": _applicant(dossier),
        "procedure_name": dossier.procedure_version.name,
        "received_words": time_words(dossier.received_at) if dossier.received_at else "",
        "stopped_words": time_words(event.at),
        "reason": _sentence(event.reason),
        "signed": True,
        "signer": signature_block(issuer, signer),
        "archive": f"Lưu: VT, {abbreviation_of(issuer)}.",
    }
    return "05_stop_notice.html", context


def control_slip_rows(dossier: Dossier) -> list[dict[str, Any]]:
    """Form 06's rows: one per hand-over of the dossier between two people, with its time.

    The receipt (applicant → one-stop officer), each hand-over between process steps (read
    from the dossier's step records; liên thông hand-overs to other agencies are steps too),
    and the return of the result. The result column judges the giver's step against its due
    moment.
    """
    steps = list(dossier.steps.select_related("agency", "assignee", "finished_by")
                 .order_by("order"))
    rows: list[dict[str, Any]] = []
    if steps:
        first = steps[0]
        rows.append(_handover_row(
            giver=dossier.addressee + " " + dossier.applicant_name, giver_agency="",
            receiver=_person(first), receiver_agency=first.agency.name,
            at=dossier.received_at, result="", late=False, note="Tiếp nhận hồ sơ"))
    for step, nxt in zip(steps, steps[1:], strict=False):
        if step.finished_at is None:
            break
        rows.append(_handover_row(
            giver=_person(step), giver_agency=step.agency.name, receiver=_person(nxt),
            receiver_agency=nxt.agency.name, at=step.finished_at,
            result=TIMING_LABELS[step.timing or "on_time"], late=step.timing == "late",
            note=step.note or step.name))
    if steps and steps[-1].finished_at is not None:
        last = steps[-1]
        rows.append(_handover_row(
            giver=_person(last), giver_agency=last.agency.name,
            receiver="", receiver_agency=dossier.receiving_agency.name,
            at=last.finished_at, result=TIMING_LABELS[last.timing or "on_time"],
            late=last.timing == "late", note="Chuyển kết quả về Bộ phận Một cửa"))
    if dossier.returned_at is not None:
        rows.append(_handover_row(
            giver="", giver_agency=dossier.receiving_agency.name,
            receiver=dossier.addressee + " " + dossier.applicant_name, receiver_agency="",
            at=dossier.returned_at, result="", late=False, note="Trả kết quả"))
    elif steps and steps[-1].finished_at is None:
        current = next((s for s in steps if s.finished_at is None), None)
        if current is not None and current.started_at is not None:
            rows.append(_handover_row(
                giver=_person(current), giver_agency=current.agency.name, receiver="",
                receiver_agency="", at=None, result=IN_PROGRESS_LABEL, late=False,
                note=f"{current.name} (hạn {short_moment(current.due_at)})"))
    return rows


def render_control_slip(dossier: Dossier) -> bytes:
    """Form 06: Phiếu kiểm soát quá trình giải quyết hồ sơ, one row per hand-over."""
    dossier = _reload(dossier)
    if not dossier.code or dossier.received_at is None:
        raise ValidationFailed(_("A control slip exists only for a received dossier."))
    agencies = {s.agency_id: s.agency.name for s in dossier.steps.select_related("agency")}
    cooperating = [name for pk, name in agencies.items()
                   if pk not in (dossier.receiving_agency_id, dossier.handling_agency_id)]
    context = {
        **_header(issuer=dossier.receiving_agency, code=dossier.code,
                  dated=dossier.received_at),
        "dossier": dossier,
        "applicant": _applicant(dossier),
        "procedure_name": dossier.procedure_version.name,
        "received_words": time_words(dossier.received_at),
        "appointment_words": time_words(dossier.appointment_at) if dossier.appointment_at
        else "",
        "cooperating": cooperating,
        "rows": control_slip_rows(dossier),
    }
    return _pdf("06_control_slip.html", context)


def render_tracking_register(*, agency: Agency, start: datetime.date,
                             end: datetime.date) -> bytes:
    """Form 07: Sổ theo dõi hồ sơ of one receiving agency for the days start..end."""
    from ..registers_book import tracking_register_rows

    rows = tracking_register_rows(agency=agency, start=start, end=end)
    context = {
        **_header(issuer=agency, code="", dated=end),
        "period": f"Từ {date_words(start)} đến {date_words(end)}",
        "rows": rows,
    }
    return _pdf("07_tracking_register.html", context)


# --- shared -------------------------------------------------------------------------------


def _reload(dossier: Dossier | int) -> Dossier:
    """A fresh copy with everything the header needs, so the form shows committed data."""
    pk = dossier if isinstance(dossier, int) else dossier.pk
    return Dossier.objects.select_related(
        "procedure_version", "receiving_agency__parent__unit", "receiving_agency__unit",
        "handling_agency__parent__unit", "handling_agency__unit",
    ).get(pk=pk)


def _issued(form: FormKind, dossier: Dossier, object_id: object = "") -> IssuedForm | None:
    return IssuedForm.objects.filter(form=form, dossier=dossier,
                                     object_id=str(object_id or "")).first()


def _header(*, issuer: Agency, code: str | None, dated: Any, form: FormKind | None = None,
            issued: IssuedForm | None = None) -> dict[str, Any]:
    """The Decree 30 header: parent authority and issuer top left with the number and symbol,
    national title, motto, then the issuer's place and the date top right."""
    if issued is not None:
        number_line = issued.number_line
    elif form is not None:  # not issued (a draft, an old record): the number is left blank
        number_line = f"\u2003\u2003/{FORM_SYMBOLS[form]}-{abbreviation_of(issuer)}"
    else:
        number_line = ""
    return {
        "issuer_parent": parent_authority(issuer),
        "issuer": issuer.name,
        "number_line": number_line,
        "code": code or "",
        "place_date": place_date(dated, place_of(issuer)),
        "watermark": "",
    }


def _applicant(dossier: Dossier) -> dict[str, str]:
    """Who the forms address: "Tổ chức" with its code and representative, or "Ông/Bà"."""
    return {
        "addressee": dossier.addressee,
        "name": dossier.applicant_name,
        "organisation": "1" if dossier.is_organisation else "",
        "tax_code": dossier.applicant_tax_code,
        "representative": dossier.applicant_representative,
        "filer": dossier.filer_name,
        "authorisation": dossier.authorisation,
        "address_label": "Địa chỉ trụ sở chính" if dossier.is_organisation else "Địa chỉ",
    }


def _return_place(dossier: Dossier) -> str:
    centre = dossier.receiving_agency
    if dossier.result_delivery == ResultDelivery.POST:
        return f"Địa chỉ nhận kết quả: {dossier.applicant_address or '…'}"
    return "Nơi trả kết quả: " + centre.name + (f", {centre.address}" if centre.address else "")


def _person(step: Any) -> str:
    person = step.finished_by or step.assignee
    return person.display_name if person is not None else ""


def _handover_row(*, giver: str, giver_agency: str, receiver: str, receiver_agency: str,
                  at: datetime.datetime | None, result: str, late: bool,
                  note: str) -> dict[str, Any]:
    return {"giver": giver, "giver_agency": giver_agency, "receiver": receiver,
            "receiver_agency": receiver_agency,
            "at": f"{local(at):%H} giờ {local(at):%M} phút, {date_words(at)}" if at else "",
            "result": result, "late": late, "note": note}


def _sentence(text: str) -> str:
    """A free-text reason set into a sentence of the form ends with a full stop."""
    text = text.strip()
    return text if not text or text[-1] in ".!?…:;" else f"{text}."


def _latest_event(dossier: Dossier, action: str) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(object_type="dossier", object_id=str(dossier.pk),
                                  action=action)
        .select_related("actor").order_by("-seq").first()
    )


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


def form_html(template: str, context: dict[str, Any]) -> str:
    # The forms are Vietnamese whatever the interface language is.
    with override("vi"):
        return render_to_string(f"{TEMPLATE_DIR}/{template}", context)


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    # Imported here: WeasyPrint loads Pango and fonts, which every other code path can skip.
    import weasyprint

    return weasyprint.HTML(string=form_html(template, context),
                           base_url=str(settings.BASE_DIR)).write_pdf()
