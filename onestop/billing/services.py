"""Bills hub services: billers and keys, bill import (CSV and API), paying a bill, callbacks.

Every write goes through a function here. An import is one transaction: every row is
checked first and the batch is refused whole on any error, so nothing is half-imported.
Re-sending a bill (same biller, same number) changes nothing unless its data changed while
it is still open and not being paid.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency
from onestop.agencies.selectors import has_role
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
from onestop.payments import services as pay
from onestop.payments.models import FeeItem, Payment

from .models import Bill, Biller, BillerApiKey, BillerCallback

logger = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Signature"
CALLBACK_TIMEOUT = 10  # seconds
CALLBACK_LEASE = datetime.timedelta(minutes=5)  # a worker's claim on one delivery
CALLBACK_MAX_ATTEMPTS = 25  # back-off doubles up to 6 hours: about four days of retries
MAX_BATCH = 5000
CSV_COLUMNS = ("number", "customer_code", "customer_name", "period", "amount", "due_date")


# ---- billers and API keys ----------------------------------------------------------------------

def _hash_key(key: str) -> str:
    # The key is 32 random bytes: a plain SHA-256 is enough (no dictionary to guess from).
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, biller: Biller, at: datetime.datetime | None = None) -> str:
    """A new API key for the biller; returned once, only its hash is kept."""
    key = f"bk_{biller.code}_{secrets.token_urlsafe(32)}"
    BillerApiKey.objects.create(biller=biller, prefix=key[:12], key_hash=_hash_key(key),
                                created_at=now_or(at))
    audit_append(actor=None, action="biller.api_key", object_type="biller",
                 object_id=biller.code, data={"prefix": key[:12]}, at=now_or(at))
    return key


@transaction.atomic
def biller_create(*, code: str, name: str, kind: str, agency: Agency, callback_url: str = "",
                  at: datetime.datetime | None = None) -> tuple[Biller, str]:
    """A biller with its first API key and a fresh callback secret: (biller, key)."""
    if kind not in Biller.Kind.values:
        raise ValidationFailed(_("Unknown kind of biller."))
    if Biller.objects.filter(code=code).exists():
        raise ValidationFailed(_("A biller with this code already exists."))
    biller = Biller.objects.create(code=code, name=name, kind=kind, agency=agency,
                                   callback_url=callback_url,
                                   callback_secret=secrets.token_hex(32))
    return biller, api_key_create(biller=biller, at=at)


def biller_for_key(key: str) -> Biller | None:
    """The active biller holding this (unrevoked) API key, or None."""
    if not key:
        return None
    row = (BillerApiKey.objects.select_related("biller")
           .filter(key_hash=_hash_key(key.strip()), revoked_at__isnull=True,
                   biller__is_active=True).first())
    return row.biller if row else None


# ---- importing bills ---------------------------------------------------------------------------

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


def can_manage(user: Any, biller: Biller) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or has_role(user=user, agency_id=biller.agency_id,
                                              role="officer")
                or has_role(user=user, agency_id=biller.agency_id, role="admin"))


# ---- paying a bill -----------------------------------------------------------------------------

def bill_payment_start(*, bill_id: int, customer_code: str, provider: str = "vietqr",
                       payer_email: str = "", creator_key: str = "",
                       at: datetime.datetime | None = None) -> Payment:
    """A payment for one open bill (reused while pending), for the citizen pay page.

    The customer code must match: knowing a bill's id alone does not open its payment.
    """
    bill = (Bill.objects.select_related("biller").filter(
        pk=bill_id, customer_code=customer_code.strip()).first())
    if bill is None or bill.state != Bill.State.OPEN or not bill.biller.is_active:
        raise ValidationFailed(_("This bill is not open for payment."))
    purpose = str(_("Bill %(number)s of %(biller)s") % {"number": bill.number,
                                                          "biller": bill.biller.name})
    created = pay.payment_for_items(
        item_ids=[bill.fee_item_id], purpose=purpose, provider=provider,
        creator_key=creator_key or f"bill:{bill.pk}", payer_name=bill.customer_name,
        payer_email=payer_email, at=at)
    return created.payment


def lock_for_payment(payment_id: int) -> None:
    """Lock hook (payments core): the bills a payment covers are locked before the payment,
    as a bill import locks them before their fee items (docs/lock-order.md)."""
    list(Bill.objects.select_for_update(of=("self",)).filter(fee_item__lines__payment_id=payment_id)
         .order_by("pk").values_list("pk", flat=True))


def on_payment_settled(payment: Payment, at: datetime.datetime, actor: Any = None) -> None:
    """Settle hook (payments core): the bills this payment covers are paid, and each
    biller gets a callback row, in the settle transaction itself."""
    bills = list(Bill.objects.select_for_update().select_related("biller").filter(
        fee_item__lines__payment=payment))
    for bill in bills:
        if bill.state == Bill.State.PAID:
            continue
        bill.state = Bill.State.PAID
        bill.paid_by = payment
        bill.save(update_fields=["state", "paid_by", "updated_at"])
        audit_append(actor=None, action="bill.paid", object_type="bill",
                     object_id=f"{bill.biller.code}/{bill.number}", from_state="open",
                     to_state="paid", data={"payment": payment.reference}, at=at)
        if bill.biller.callback_url:
            callback = BillerCallback.objects.create(
                biller=bill.biller, bill=bill, payment=payment,
                body=_callback_body(bill, payment, at), next_attempt_at=at, created_at=at)
            _enqueue(callback.pk)


def _callback_body(bill: Bill, payment: Payment, at: datetime.datetime) -> str:
    receipt = payment.receipts.filter(kind="payment").first()
    return json.dumps({
        "event": "bill.paid", "biller": bill.biller.code, "bill_number": bill.number,
        "customer_code": bill.customer_code, "amount": payment.paid_amount,
        "payment_reference": payment.reference, "provider": payment.provider,
        "receipt_number": receipt.number if receipt else "", "paid_at": at.isoformat(),
        "sandbox": payment.sandbox,
    }, ensure_ascii=False, sort_keys=True)


def _enqueue(callback_id: int) -> None:
    """As the receipt e-mail: with the database task backend the task row is written in the
    settle transaction (an outbox); otherwise enqueued on commit. The sweep catches the rest."""
    from .tasks import biller_callback_task

    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        biller_callback_task.enqueue(callback_id)
    else:
        transaction.on_commit(lambda: biller_callback_task.enqueue(callback_id), robust=True)


# ---- delivering callbacks ----------------------------------------------------------------------

def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4 … minutes after each failure, at most 6 hours."""
    return datetime.timedelta(seconds=min(60 * 2 ** max(0, attempts - 1), 6 * 3600))


def callback_deliver(*, callback_id: int, now: datetime.datetime | None = None) -> bool:
    """Try one delivery if it is due; True once the biller acknowledged it (2xx).

    The row is claimed by a conditional UPDATE (next attempt pushed a lease ahead), so two
    workers never post the same callback at once; no transaction is held during the POST.
    """
    now = now_or(now)
    claimed = BillerCallback.objects.filter(
        pk=callback_id, state=BillerCallback.State.PENDING, next_attempt_at__lte=now,
    ).update(next_attempt_at=now + CALLBACK_LEASE)
    if not claimed:
        return False
    callback = BillerCallback.objects.select_related("biller").get(pk=callback_id)
    body = callback.body.encode()
    request = urllib.request.Request(
        callback.biller.callback_url, data=body, method="POST",
        headers={"Content-Type": "application/json", SIGNATURE_HEADER:
                 sign(body, callback.biller.callback_secret),
                 "X-Callback-Id": str(callback.pk)})
    status: int | None = None
    error = ""
    try:
        with urllib.request.urlopen(request, timeout=CALLBACK_TIMEOUT) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = str(exc)[:300]
    attempts = callback.attempts + 1
    if status is not None and 200 <= status < 300:
        BillerCallback.objects.filter(pk=callback_id).update(
            state=BillerCallback.State.DELIVERED, attempts=attempts, last_status=status,
            last_error="", delivered_at=timezone.now())
        return True
    logger.warning("biller callback %s failed: %s", callback_id, error or status)
    BillerCallback.objects.filter(pk=callback_id).update(
        attempts=attempts, last_status=status, last_error=error,
        state=(BillerCallback.State.GAVE_UP if attempts >= CALLBACK_MAX_ATTEMPTS
               else BillerCallback.State.PENDING),
        next_attempt_at=now + backoff(attempts))
    return False


def callback_sweep(*, now: datetime.datetime | None = None, limit: int = 200) -> int:
    """Periodic: deliver the callbacks that are due (first tries lost, retries after back-off).

    Returns how many were acknowledged in this pass.
    """
    now = now_or(now)
    due = list(BillerCallback.objects.filter(
        state=BillerCallback.State.PENDING, next_attempt_at__lte=now,
    ).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in due if callback_deliver(callback_id=pk, now=now))
