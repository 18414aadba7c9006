"""Importing bills (CSV and API): every row checked first, the batch refused whole on any
error, so nothing is half-imported. Re-sending a bill (same biller, same number) changes
nothing unless its data changed while it is still open and not being paid."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import audit_append
from onestop.core.clock import now_or
from onestop.core.csvimport import (
    ImportRefused,
    Record,
    RowInvalid,
    check_rows,
    read_csv,
    records_from_table,
)
from onestop.core.errors import NotAllowed, ValidationFailed
from onestop.payments.models import FeeItem

from ..models import Bill, Biller
from .billers import can_manage

MAX_BATCH = 5000
CSV_COLUMNS = ("number", "customer_code", "customer_name", "period", "amount", "due_date")


class BatchInvalid(ImportRefused):
    """The batch is refused whole; `errors` lists every row's problem (translated)."""

    default_message = _("The bills were not imported: %(count)s error(s).")


@dataclass(frozen=True)
class BillRow:
    number: str
    customer_code: str
    customer_name: str
    period: str
    amount: int
    due_date: datetime.date


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    numbers: list[str] = field(default_factory=list)


_LIMITS = {"number": 40, "customer_code": 40, "customer_name": 200, "period": 20}


def _bill_check() -> Callable[[Record], BillRow]:
    """The check of one bill record; a number seen twice in the batch is refused."""
    seen: set[str] = set()

    def check(record: Record) -> BillRow:
        problems: list[str] = []
        values = {name: record.text(name) for name in CSV_COLUMNS}
        for name, limit in _LIMITS.items():
            if not values[name]:
                problems.append(str(_("%(field)s is missing") % {"field": name}))
            elif len(values[name]) > limit:
                problems.append(str(_("%(field)s is too long") % {"field": name}))
        # JSON gives whole numbers, CSV digit strings; a bool is an int in Python: refused.
        amount_raw = record.values.get("amount")
        amount = 0
        if isinstance(amount_raw, bool) or not (
            isinstance(amount_raw, int) or (isinstance(amount_raw, str)
                                            and amount_raw.strip().isdigit())):
            problems.append(str(_("the amount must be a positive whole number of đồng")))
        else:
            amount = int(amount_raw)
            if amount <= 0:
                problems.append(str(_("the amount must be a positive whole number of đồng")))
        due: datetime.date | None = None
        try:
            due = datetime.date.fromisoformat(values["due_date"])
        except ValueError:
            problems.append(str(_("the due date must be written YYYY-MM-DD")))
        if values["number"] in seen:
            problems.append(str(_("this bill number appears twice in the batch")))
        seen.add(values["number"])
        if problems:
            raise RowInvalid(*problems)
        assert due is not None
        return BillRow(number=values["number"], customer_code=values["customer_code"],
                       customer_name=values["customer_name"], period=values["period"],
                       amount=amount, due_date=due)

    return check


def _checked(records: list[Record], *, label: Callable[[Record], str]) -> list[BillRow]:
    rows = check_rows(records, _bill_check(), label=label, refused=BatchInvalid)
    if not rows:
        raise BatchInvalid([_("The batch holds no bills.")])
    return rows


def _api_label(record: Record) -> str:
    return str(_("Bill %(row)s (%(number)s)") % {"row": record.line,
                                                 "number": record.text("number") or "?"})


def _csv_label(record: Record) -> str:
    return str(_("Line %(line)s (%(number)s)") % {"line": record.line,
                                                  "number": record.text("number") or "?"})


def parse_rows(records: list[Any]) -> list[BillRow]:
    """Check every record of an API batch; BatchInvalid with all the problems, or the rows."""
    if len(records) > MAX_BATCH:
        raise BatchInvalid([_("At most %(max)s bills per batch.") % {"max": MAX_BATCH}])
    not_objects = [_("Bill %(row)s: not an object.") % {"row": index}
                   for index, record in enumerate(records, start=1)
                   if not isinstance(record, dict)]
    if not_objects:
        raise BatchInvalid(not_objects)
    return _checked([Record(line=index, values=record)
                     for index, record in enumerate(records, start=1)], label=_api_label)


def parse_csv(text: str) -> list[BillRow]:
    """A CSV with a header row naming the columns (number, customer_code, customer_name,
    period, amount, due_date); a UTF-8 byte-order mark is ignored."""
    records = records_from_table(read_csv(text, refused=BatchInvalid), columns=CSV_COLUMNS,
                                 max_rows=MAX_BATCH, refused=BatchInvalid)
    return _checked(records, label=_csv_label)


def _fee_name(biller: Biller, row: BillRow) -> str:
    return f"{biller.name} – {row.period} – {row.number}"[:300]


def bills_import(*, biller: Biller, records: list[Any], actor: Any = None, source: str = "api",
                 at: datetime.datetime | None = None) -> ImportResult:
    """Import a batch of bills for one biller, all or nothing, idempotent per bill number."""
    return _bills_write(biller=biller, rows=parse_rows(records), actor=actor, source=source,
                        at=at)


@transaction.atomic
def _bills_write(*, biller: Biller, rows: list[BillRow], actor: Any, source: str,
                 at: datetime.datetime | None) -> ImportResult:
    at = now_or(at)
    existing = {b.number: b for b in Bill.objects.select_for_update().filter(
        biller=biller, number__in=[r.number for r in rows]).select_related("fee_item")}
    result = ImportResult()
    errors: list[str] = []
    for row in rows:
        bill = existing.get(row.number)
        if bill is None:
            item = FeeItem.objects.create(
                agency_id=biller.agency_id, source=FeeItem.Source.OTHER,
                name=_fee_name(biller, row), unit_amount=row.amount, quantity=1,
                amount=row.amount, created_at=at)
            Bill.objects.create(biller=biller, fee_item=item, created_at=at, **row.__dict__)
            result.created += 1
            result.numbers.append(row.number)
            continue
        same = (bill.customer_code, bill.customer_name, bill.period, bill.amount,
                bill.due_date) == (row.customer_code, row.customer_name, row.period,
                                   row.amount, row.due_date)
        if same:
            result.unchanged += 1
            continue
        busy = bill.fee_item.lines.filter(payment__state__in=("pending", "flagged")).exists()
        if bill.state != Bill.State.OPEN or busy:
            errors.append(str(_("Bill %(number)s is already paid or being paid; it cannot be "
                                "changed.") % {"number": row.number}))
            continue
        for name, value in row.__dict__.items():
            setattr(bill, name, value)
        bill.save()
        FeeItem.objects.filter(pk=bill.fee_item_id).update(
            amount=row.amount, unit_amount=row.amount, name=_fee_name(biller, row))
        result.updated += 1
        result.numbers.append(row.number)
    if errors:
        raise BatchInvalid(errors)  # rolls back the whole batch
    audit_append(actor=actor, action="bills.import", object_type="biller",
                 object_id=biller.code, data={"source": source, "created": result.created,
                                              "updated": result.updated,
                                              "unchanged": result.unchanged}, at=at)
    return result


def bills_import_csv(*, biller_id: int, officer: Any, text: str,
                     at: datetime.datetime | None = None) -> ImportResult:
    """Back office: an officer or admin of the collecting agency uploads a biller's CSV."""
    biller = Biller.objects.filter(pk=biller_id).first()
    if biller is None:
        raise ValidationFailed(_("This biller does not exist."))
    if not can_manage(officer, biller):
        raise NotAllowed(_("Only staff of the collecting agency import this biller's bills."))
    return _bills_write(biller=biller, rows=parse_csv(text), actor=officer, source="csv", at=at)
