"""The registers are searched and filtered, listed in a constant number of queries, and
exported as XLSX with the columns of the paper register."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from onestop.exchange.models import Direction
from onestop.exchange.selectors import RegisterFilter, register_for, register_xlsx
from onestop.exchange.services import deliveries_run, document_register

from .test_registers import send


@pytest.mark.django_db(transaction=True)
def test_search_filter_and_export_the_incoming_register(exchange: Any) -> None:
    x = exchange
    send(x, code_number="12", subject="Về việc cấp thẻ bảo hiểm y tế")
    send(x, code_number="13", subject="Về việc đăng ký thường trú")
    deliveries_run()
    first = register_for(agency_id=x.justice.pk, filters=RegisterFilter()).last()
    assert first is not None
    document_register(document_pk=first.pk, actor=x.clerk)

    def search(**kwargs: Any) -> list[str]:
        rows = register_for(agency_id=x.justice.pk, filters=RegisterFilter(**kwargs))
        return [row.code_number for row in rows]

    assert search(q="BẢO HIỂM") == ["12"]
    assert search(q="13/UBND") == ["13"]
    assert search(state="registered") == [first.code_number]
    assert search(direction=Direction.OUTGOING) == []
    assert sorted(search()) == ["12", "13"]

    rows = register_for(agency_id=x.justice.pk, filters=RegisterFilter())
    with CaptureQueriesContext(connection) as queries:
        data = register_xlsx(rows, incoming=True)
    assert len(queries) <= 3  # the rows, their attachments: not one query per row
    sheet = load_workbook(io.BytesIO(data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 3
    assert values[1][1] in {"12/UBND-VP", "13/UBND-VP"}
    assert any(row[0] == 1 for row in values[1:])  # the incoming number
