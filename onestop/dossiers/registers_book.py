"""Form 07, the dossier tracking register (Sổ theo dõi hồ sơ, Circular 03/2025/TT-VPCP):
one row per dossier a receiving agency received in a period, as PDF and as XLSX.

Read-only: the rows come from the dossiers and their step records.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils import timezone

from onestop.agencies.models import Agency

from .models import Dossier, FormKind, IssuedForm, Status

# The columns of form 07, in order (fixed Vietnamese: an official register).
COLUMNS = (
    "TT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ", "Hẹn trả kết quả", "Chuyển hồ sơ đến cơ quan giải quyết",
    "Nhận kết quả từ cơ quan giải quyết", "Trả kết quả cho cá nhân, tổ chức", "Ghi chú",
)


def _day(moment: datetime.datetime | None) -> str:
    return f"{timezone.localtime(moment):%H:%M %d/%m/%Y}" if moment is not None else ""


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime,
                                                               datetime.datetime]:
    lo = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    hi = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1),
                                                       datetime.time()))
    return lo, hi


def tracking_register_rows(*, agency: Agency, start: datetime.date,
                           end: datetime.date) -> list[dict[str, Any]]:
    """The dossiers `agency` received (or refused) from `start` to `end`, in receipt order."""
    lo, hi = _bounds(start, end)
    dossiers = list(
        Dossier.objects.filter(receiving_agency=agency)
        .filter(received_at__gte=lo, received_at__lt=hi)
        .select_related("procedure_version", "handling_agency")
        .prefetch_related("steps").order_by("received_at", "pk")
    )
    entries = dict(IssuedForm.objects.filter(form=FormKind.RECEIPT, dossier__in=dossiers)
                   .values_list("dossier_id", "number"))
    rows = []
    for index, d in enumerate(dossiers, start=1):
        steps = sorted(d.steps.all(), key=lambda s: s.order)
        first = steps[0] if steps else None
        notes = []
        if d.is_overdue():
            notes.append("Quá hạn")
        if d.status in (Status.WITHDRAWN, Status.STOPPED):
            notes.append(d.get_status_display())
        rows.append({
            "index": entries.get(d.pk, index),
            "code": d.code or "",
            "procedure": d.procedure_version.name,
            "sets": 1,
            "applicant": f"{d.addressee} {d.applicant_name}"
            + (f" (MST {d.applicant_tax_code})" if d.applicant_tax_code else ""),
            "contact": ", ".join(x for x in (d.applicant_address, d.applicant_phone) if x),
            "handling": d.handling_agency.name,
            "received": _day(d.received_at),
            "appointment": _day(d.appointment_at),
            "sent": _day(first.finished_at if first else None),
            "result": _day(d.finished_at if d.status in (Status.RESULT_READY,
                                                          Status.RETURNED) else None),
            "returned": _day(d.returned_at),
            "note": "; ".join(str(n) for n in notes),
        })
    return rows


def tracking_register_xlsx(*, agency: Agency, start: datetime.date,
                           end: datetime.date) -> bytes:
    """The same register as an XLSX workbook (one sheet, the columns of form 07)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "So theo doi ho so"
    sheet.append([f"SỔ THEO DÕI HỒ SƠ – {agency.name}"])
    sheet.append([f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"])
    sheet.append(list(COLUMNS))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    sheet["A1"].font = Font(bold=True)
    keys = ("index", "code", "procedure", "sets", "applicant", "contact", "handling",
            "received", "appointment", "sent", "result", "returned", "note")
    for row in tracking_register_rows(agency=agency, start=start, end=end):
        sheet.append([row[k] for k in keys])
    for letter, width in zip("ABCDEFGHIJKLM", (5, 26, 40, 8, 28, 34, 30, 17, 17, 17, 17, 17,
                                              16), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
