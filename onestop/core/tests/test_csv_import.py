"""The one table-import helper: every row checked, all or nothing, every failing row named."""

from __future__ import annotations

import io

import pytest
from django.utils.translation import override
from openpyxl import Workbook

from onestop.core.csvimport import (
    ImportRefused,
    Record,
    RowInvalid,
    check_rows,
    read_csv,
    read_table,
    records_from_table,
)


def _amount(record: Record) -> int:
    text = record.text("amount")
    if not text.isdigit():
        raise RowInvalid("the amount is not a whole number", "really not")
    return int(text)


def test_every_failing_row_is_named_and_nothing_is_returned():
    table = read_csv("name,amount\na,1\nb,x\nc,2\nd,-3\n")
    with override("en"), pytest.raises(ImportRefused) as caught:
        check_rows(records_from_table(table, columns=["amount"], max_rows=10), _amount)
    assert caught.value.errors == [
        "Line 3: the amount is not a whole number; really not.",
        "Line 5: the amount is not a whole number; really not.",
    ]
    assert "2" in str(caught.value)


def test_columns_come_in_any_order_and_blank_lines_are_skipped():
    table = read_csv("\ufeffAmount , name\n5,a\n\n,\n7,b\n".encode())
    records = records_from_table(table, columns=["name", "amount"], max_rows=10)
    assert [r.line for r in records] == [2, 5]
    assert check_rows(records, _amount) == [5, 7]


def test_a_missing_column_or_too_many_rows_refuse_the_file():
    with pytest.raises(ImportRefused, match="1") as caught:
        records_from_table(read_csv("name\na\n"), columns=["name", "amount"], max_rows=10)
    assert "amount" in caught.value.errors[0]
    with pytest.raises(ImportRefused) as caught:
        records_from_table(read_csv("amount\n1\n2\n3\n"), columns=["amount"], max_rows=2)
    assert "2" in caught.value.errors[0]


def test_a_check_may_skip_a_record():
    records = records_from_table(read_csv("amount\n1\n1\n2\n"), columns=["amount"], max_rows=9)
    seen: set[int] = set()

    def once(record: Record) -> int | None:
        value = _amount(record)
        if value in seen:
            return None
        seen.add(value)
        return value

    assert check_rows(records, once) == [1, 2]


def test_an_app_gets_its_own_refusal():
    class BillsRefused(ImportRefused):
        default_message = "bills refused: %(count)s"

    with pytest.raises(BillsRefused, match="bills refused: 1"):
        check_rows(records_from_table(read_csv("amount\nx\n"), columns=["amount"],
                                      max_rows=9), _amount, refused=BillsRefused)
    with pytest.raises(BillsRefused):
        read_csv(b"amount\n\xff\xfe\n", refused=BillsRefused)


def test_an_xlsx_sheet_reads_like_a_csv_and_junk_is_refused():
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "amount"])
    sheet.append(["a", 12])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "values.XLSX")
    assert check_rows(records_from_table(table, columns=["amount"], max_rows=9), _amount) == [12]
    with pytest.raises(ImportRefused):
        read_table(b"not a workbook", "values.xlsx")
    assert read_table(b"amount\n3\n", "values.csv") == [["amount"], ["3"]]
