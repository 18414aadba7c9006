"""Bank statement reconciliation: every difference between the bank and the platform.

An officer uploads the collection account's statement (CSV: date, amount, description,
transaction_id). Each credit is matched to a settled payment by the bank transaction id
first, then by a payment reference found in the description, then by amount and date;
settled online payments of the statement's days that no line matched are "missing at the
bank". The report is stored (ReconciliationRun and its lines) and NOTHING is changed on
the platform: an officer reviews each difference and marks it resolved with a note; any
correction (a refund, a flagged payment's decision) goes through its own service.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency, Membership
from onestop.core.audit import audit_append
from onestop.core.clock import now_or
from onestop.core.errors import NotAllowed, ValidationFailed

from .models import Channel, Payment, ReconciliationLine, ReconciliationRun
from .providers.vietqr import REFERENCE_RE
from .transitions import SETTLED

VN = ZoneInfo("Asia/Ho_Chi_Minh")
COLUMNS = ("date", "amount", "description", "transaction_id")
MAX_LINES = 100000
Kind = ReconciliationLine.Kind
By = ReconciliationLine.MatchedBy


class StatementInvalid(ValidationFailed):
    http_status = 422

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(_("The statement was not read: %(count)s error(s)."),
                         count=len(errors))


@dataclass(frozen=True)
class BankLine:
    row: int
    date: datetime.date
    amount: int
    description: str
    txn: str


def can_reconcile(user: Any) -> bool:
    """The collection account is the city's, kept by the service centre: its staff
    (officers, leaders, admins) reconcile it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or Membership.objects.filter(
        user=user, agency__kind=Agency.Kind.SERVICE_CENTRE,
        role__in=("officer", "leader", "admin")).exists())


def _date(text: str) -> datetime.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_statement(text: str) -> list[BankLine]:
    """Read the CSV (header row; dates YYYY-MM-DD or DD/MM/YYYY; amounts whole đồng, dots
    or commas as thousands separators); every problem is reported, nothing half-read."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    names = [n.strip().lower() for n in (reader.fieldnames or [])]
    reader.fieldnames = names
    if "reference" in names and "description" not in names:
        reader.fieldnames = ["description" if n == "reference" else n for n in names]
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise StatementInvalid([str(_("Missing CSV columns: %(columns)s.")
                                    % {"columns": ", ".join(missing)})])
    lines: list[BankLine] = []
    errors: list[str] = []
    for row, record in enumerate(reader, start=2):
        if row > MAX_LINES + 1:
            errors.append(str(_("At most %(max)s rows per file.") % {"max": MAX_LINES}))
            break
        problems = []
        raw_amount = (record.get("amount") or "").strip().replace(".", "").replace(",", "")
        if not raw_amount.isdigit() or int(raw_amount) <= 0:
            problems.append(str(_("the amount must be a positive whole number of đồng")))
        try:
            day = _date(record.get("date") or "")
        except ValueError:
            problems.append(str(_("the date must be written YYYY-MM-DD or DD/MM/YYYY")))
        if problems:
            errors.append(str(_("Line %(line)s: %(problems)s.")
                              % {"line": row, "problems": "; ".join(problems)}))
            continue
        lines.append(BankLine(row=row, date=day, amount=int(raw_amount),
                              description=(record.get("description") or "").strip()[:300],
                              txn=(record.get("transaction_id") or "").strip()[:100]))
    if errors:
        raise StatementInvalid(errors)
    if not lines:
        raise StatementInvalid([str(_("The statement holds no lines."))])
    return lines


def _settled_day(payment: Payment) -> datetime.date | None:
    return payment.settled_at.astimezone(VN).date() if payment.settled_at else None


def _compare(line: BankLine, payment: Payment, by: str) -> ReconciliationLine:
    """A bank line that found its payment: matched, or which difference."""
    if payment.state not in SETTLED:
        kind = Kind.MISSING_ON_PLATFORM  # money at the bank, payment not settled (flagged…)
    elif payment.paid_amount != line.amount:
        kind = Kind.AMOUNT_MISMATCH
    else:
        kind = Kind.MATCHED
    return _line(line, kind=kind, by=by, payment=payment)


def _line(line: BankLine | None, *, kind: str, by: str = "",
          payment: Payment | None = None) -> ReconciliationLine:
    return ReconciliationLine(
        kind=kind, matched_by=by, row=line.row if line else None,
        bank_date=line.date if line else None, bank_amount=line.amount if line else None,
        description=line.description if line else "", bank_txn_id=line.txn if line else "",
        payment=payment, platform_amount=payment.paid_amount if payment else None,
        status=(ReconciliationLine.Status.OK if kind == Kind.MATCHED
                else ReconciliationLine.Status.OPEN))


def reconcile(lines: list[BankLine]) -> list[ReconciliationLine]:
    """Compare bank lines with the platform (reads only); returns unsaved report lines."""
    date_from = min(line.date for line in lines)
    date_to = max(line.date for line in lines)
    start = datetime.datetime.combine(date_from, datetime.time(0), tzinfo=VN)
    end = datetime.datetime.combine(date_to, datetime.time(0), tzinfo=VN) + datetime.timedelta(
        days=1)
    # Settled online payments of the statement's days: each should have its bank line.
    candidates = list(Payment.objects.filter(
        state__in=SETTLED, settled_at__gte=start, settled_at__lt=end, sandbox=False,
        channel=Channel.ONLINE).exclude(provider="cash").order_by("settled_at", "id"))
    txns = {line.txn for line in lines if line.txn}
    references = {m.group(0) for line in lines
                  for m in REFERENCE_RE.finditer(line.description.upper())}
    known = {p.pk: p for p in candidates}
    for p in Payment.objects.filter(Q(provider_txn_id__in=txns) | Q(reference__in=references)):
        known.setdefault(p.pk, p)
    by_txn = {p.provider_txn_id: p for p in known.values() if p.provider_txn_id}
    by_ref = {p.reference: p for p in known.values()}
    claimed: set[int] = set()
    seen_txn: set[str] = set()
    report: list[ReconciliationLine] = []
    for line in lines:
        if line.txn and line.txn in seen_txn:
            report.append(_line(line, kind=Kind.DUPLICATE))  # the same transaction twice
            continue
        if line.txn:
            seen_txn.add(line.txn)
        payment, by = None, ""
        if line.txn and line.txn in by_txn:
            payment, by = by_txn[line.txn], By.TRANSACTION
        else:
            found = REFERENCE_RE.search(line.description.upper())
            if found and found.group(0) in by_ref:
                payment, by = by_ref[found.group(0)], By.REFERENCE
        if payment is not None:
            if payment.pk in claimed:
                # A second credit for a payment already matched: paid twice.
                report.append(_line(line, kind=Kind.DUPLICATE, by=by, payment=payment))
            else:
                claimed.add(payment.pk)
                report.append(_compare(line, payment, by))
            continue
        guess = next((p for p in candidates if p.pk not in claimed
                      and p.paid_amount == line.amount and _settled_day(p) == line.date), None)
        if guess is not None:
            claimed.add(guess.pk)
            report.append(_line(line, kind=Kind.MATCHED, by=By.AMOUNT_DATE, payment=guess))
        else:
            report.append(_line(line, kind=Kind.MISSING_ON_PLATFORM))
    report.extend(_line(None, kind=Kind.MISSING_AT_BANK, payment=p)
                  for p in candidates if p.pk not in claimed)
    return report


@transaction.atomic
def reconciliation_run(*, officer: Any, text: str, filename: str = "",
                       at: datetime.datetime | None = None) -> ReconciliationRun:
    """Read a statement, compare, store the report. No payment is touched."""
    if not can_reconcile(officer):
        raise NotAllowed(_("Only staff of the service centre reconcile the collection "
                           "account."))
    at = now_or(at)
    lines = parse_statement(text)
    report = reconcile(lines)
    differences = sum(1 for r in report if r.kind != Kind.MATCHED)
    run = ReconciliationRun.objects.create(
        uploaded_by=officer, uploaded_at=at, filename=filename[:200],
        date_from=min(line.date for line in lines), date_to=max(line.date for line in lines),
        bank_lines=len(lines), matched=len(report) - differences, differences=differences)
    for r in report:
        r.run = run
    ReconciliationLine.objects.bulk_create(report)
    audit_append(actor=officer, action="reconciliation.run", object_type="reconciliation",
                 object_id=run.pk, data={"lines": len(lines), "differences": differences},
                 at=at)
    return run


@transaction.atomic
def reconciliation_line_resolve(*, line_id: int, officer: Any, note: str,
                                at: datetime.datetime | None = None) -> ReconciliationLine:
    """An officer's decision on one difference, with a note. Changes no payment."""
    if not can_reconcile(officer):
        raise NotAllowed(_("Only staff of the service centre reconcile the collection "
                           "account."))
    if not note.strip():
        raise ValidationFailed(_("Write what was decided about this difference."))
    line = ReconciliationLine.objects.select_for_update().filter(pk=line_id).first()
    if line is None:
        raise ValidationFailed(_("This line does not exist."))
    if line.status != ReconciliationLine.Status.OPEN:
        raise ValidationFailed(_("This line has nothing left to decide."))
    at = now_or(at)
    line.status = ReconciliationLine.Status.RESOLVED
    line.note = note.strip()
    line.resolved_by = officer
    line.resolved_at = at
    line.save(update_fields=["status", "note", "resolved_by", "resolved_at"])
    audit_append(actor=officer, action="reconciliation.resolve",
                 object_type="reconciliation_line", object_id=line.pk, from_state="open",
                 to_state="resolved", reason=line.note,
                 data={"run": line.run_id, "kind": line.kind}, at=at)
    return line
