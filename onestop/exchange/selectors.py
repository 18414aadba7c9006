"""Reads of the exchange: the registers with search and filters, and their XLSX export."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from onestop.agencies.selectors import roles_of
from onestop.core.text import fold_tokens

from .models import Direction, OfficialDocument


@dataclass(frozen=True)
class RegisterFilter:
    direction: str = Direction.INCOMING
    q: str = ""  # number/symbol, subject or sender, case-blind
    state: str = ""
    document_type: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def register_for(*, agency_id: int, filters: RegisterFilter) -> QuerySet[OfficialDocument]:
    """One agency's outgoing or incoming register, newest first, with what a list shows."""
    rows = (OfficialDocument.objects.filter(agency_id=agency_id, direction=filters.direction)
            .select_related("department", "assignee").prefetch_related("attachments"))
    term = filters.q.strip()
    if term:
        words = Q()
        for token in fold_tokens(term):
            words &= Q(search_text__contains=token)
        match = words | Q(document_id=term)
        if term.isdigit():
            match |= Q(incoming_number=int(term))
        rows = rows.filter(match)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.document_type:
        rows = rows.filter(document_type=filters.document_type)
    if filters.date_from:
        rows = rows.filter(promulgation_date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(promulgation_date__lte=filters.date_to)
    return rows.order_by("-incoming_year", "-incoming_number", "-promulgation_date", "-id")


def registers_of(*, user: object) -> list[int]:
    """The agencies whose registers the user may read (any staff role there)."""
    return sorted(roles_of(user=user))


def register_xlsx(rows: QuerySet[OfficialDocument], *, incoming: bool) -> bytes:
    """The register as an XLSX sheet (openpyxl), the columns of the paper register."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Incoming register") if incoming else _("Outgoing register")
    headers = [_("Incoming number")] if incoming else []
    sender = pgettext("official document", "Sender") if incoming else _("Recipients")
    headers += [_("Number and symbol"), _("Date"), _("Type"),
                pgettext("official document", "Subject"), sender, _("Signed by"),
                pgettext("official document", "Due date"), _("Priority"), _("State"),
                _("Assigned to"), _("Attachments")]
    sheet.append(headers)
    for row in rows:
        cells: list[object] = [row.incoming_number] if incoming else []
        recipients = ", ".join(r.get("organ_name") or r["organ_id"] for r in row.recipients)
        cells += [row.code, row.promulgation_date, row.get_document_type_display(), row.subject,
                  row.sender_name if incoming else recipients,
                  f"{row.signer_name} ({row.signer_position})".strip(" ()"),
                  row.due_date, row.get_priority_display(), row.get_state_display(),
                  row.assignee.get_full_name() if row.assignee else "",
                  ", ".join(a.name for a in row.attachments.all())]
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
