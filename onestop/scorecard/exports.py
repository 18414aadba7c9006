"""CSV and XLSX downloads of a Table (exactly the cells the page shows, without links)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify

from .tables import Table


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # exact text, never a binary float
    return value if isinstance(value, int | str) or value is None else str(value)


def as_csv(table: Table, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(h) for h in table.headers])
    for row in table.plain():
        writer.writerow([_cell(c) for c in row])
    # A BOM so spreadsheet programs read the Vietnamese letters as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}.csv"'
    return response


def as_xlsx(table: Table, filename: str) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = slugify(table.slug)[:31] or "table"
    sheet.append([str(h) for h in table.headers])
    for row in table.plain():
        sheet.append([_cell(c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}.xlsx"'
    return response


def export(table: Table, fmt: str, filename: str) -> HttpResponse:
    return as_xlsx(table, filename) if fmt == "xlsx" else as_csv(table, filename)
