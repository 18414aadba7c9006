"""One way to import a table of rows: every row checked, all or nothing, every failing row named.

A service reads the file with `read_table` (CSV, or the first sheet of an XLSX workbook, as
rows of cells), turns it into `Record`s with `records_from_table` (the header row names the
columns, in any order), and hands them to `check_rows` with a function that turns one record
into a typed row or raises `RowInvalid` with the row's problems. Either every row passes and
the typed rows are returned, or `ImportRefused` lists every failing row, so the operator mends
the file once, not once per error. The service writes the rows in one transaction, so a
problem found while writing (raise `ImportRefused` there too) leaves nothing behind.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed

T = TypeVar("T")


class ImportRefused(ValidationFailed):
    """The file is refused whole; `errors` lists every problem (translated, one per row).

    Apps subclass it for their own summary (`default_message` with `%(count)s`) and pass the
    subclass as `refused=` to the functions below.
    """

    default_message = _("Nothing was imported: %(count)s error(s).")
    http_status = 422

    def __init__(self, errors: Sequence[object]) -> None:
        self.errors = [str(error) for error in errors]
        super().__init__(self.default_message, count=len(self.errors))


class RowInvalid(Exception):
    """Raised by a row check: what is wrong with this one row (translated phrases)."""

    def __init__(self, *problems: object) -> None:
        self.problems = [str(problem) for problem in problems]
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Record:
    """One data row: its line in the file (the header is line 1) and its cells by column."""

    line: int
    values: Mapping[str, Any]

    def text(self, column: str) -> str:
        """The cell as stripped text ("" when empty or absent)."""
        value = self.values.get(column)
        return "" if value is None else str(value).strip()


def read_csv(data: bytes | str, *, refused: type[ImportRefused] = ImportRefused
             ) -> list[list[str]]:
    """The cells of a UTF-8 CSV file, row by row; a byte-order mark is ignored."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise refused([_("The file must be UTF-8 text.")]) from exc
    else:
        text = data.lstrip("\ufeff")
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise refused([_("The file is not a valid CSV file.")]) from exc


def read_table(data: bytes, filename: str, *, refused: type[ImportRefused] = ImportRefused
               ) -> list[list[Any]]:
    """The rows of cells of a CSV file, or of the first sheet of an .xlsx workbook."""
    if not filename.lower().endswith(".xlsx"):
        return read_csv(data, refused=refused)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    except Exception as exc:  # openpyxl raises many types (zip, XML, key errors) on junk
        raise refused([_("The file is not a readable .xlsx workbook.")]) from exc


def records_from_table(table: Iterable[Sequence[Any]], *, columns: Sequence[str],
                       max_rows: int, refused: type[ImportRefused] = ImportRefused
                       ) -> list[Record]:
    """Records of a table whose first row names the columns; blank rows are skipped.

    Refused whole when a required column is missing or there are more than `max_rows` rows.
    """
    rows = iter(table)
    header = [str(cell or "").strip().lower() for cell in next(rows, [])]
    missing = [column for column in columns if column not in header]
    if missing:
        raise refused([_("Missing columns: %(columns)s.")
                       % {"columns": ", ".join(missing)}])
    records: list[Record] = []
    for line, cells in enumerate(rows, start=2):
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        if len(records) == max_rows:
            raise refused([_("At most %(max)s rows per file.") % {"max": max_rows}])
        records.append(Record(line=line, values=dict(zip(header, cells, strict=False))))
    return records


def _line_label(record: Record) -> str:
    return str(_("Line %(line)s") % {"line": record.line})


def check_rows(records: Iterable[Record], check: Callable[[Record], T | None], *,
               label: Callable[[Record], str] = _line_label,
               refused: type[ImportRefused] = ImportRefused) -> list[T]:
    """`check` on every record; the typed rows, or ImportRefused naming every failing row.

    `check` returns the typed row, None to skip the record (e.g. a repeat the file may hold),
    or raises RowInvalid. Nothing is refused before every record has been checked.
    """
    errors: list[str] = []
    rows: list[T] = []
    for record in records:
        try:
            row = check(record)
        except RowInvalid as exc:
            errors.append(f"{label(record)}: {'; '.join(exc.problems)}.")
            continue
        if row is not None:
            rows.append(row)
    if errors:
        raise refused(errors)
    return rows
