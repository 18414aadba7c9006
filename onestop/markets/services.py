"""Cashless markets: markets and stalls, the static VietQR of a stall and its printed card
sheet, the import of the vendors' transaction feed. Every write goes through here."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import AdministrativeUnit, Role
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
from onestop.payments import vietqr

from .models import Market, Stall, StallTransaction

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FEED_COLUMNS = ("stall", "time", "amount", "transaction_id")
MAX_FEED_ROWS = 50000


class FeedInvalid(ImportRefused):
    default_message = _("The transactions were not imported: %(count)s error(s).")


# The roles that follow markets (the back office's "markets" area names the same ones).
MARKET_ROLES = (Role.OFFICER, Role.LEADER, Role.ADMIN)


def can_view(user: Any, market: Market) -> bool:
    """Staff of an agency of the market's commune unit, city-level staff (an agency with no
    commune unit: the centre, the departments) for every market, or a superuser."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.memberships.filter(
        Q(agency__unit_id=market.unit_id) | Q(agency__unit__isnull=True),
        agency__is_active=True, role__in=MARKET_ROLES).exists())


@transaction.atomic
def market_create(*, name: str, unit: AdministrativeUnit, address: str = "") -> Market:
    if not name.strip():
        raise ValidationFailed(_("Give the market's name."))
    return Market.objects.create(name=name.strip(), unit=unit, address=address)


@transaction.atomic
def stall_create(*, market: Market, number: str, vendor_name: str, bank_bin: str,
                 account: str, phone: str = "", goods: str = "") -> Stall:
    stall = Stall(market=market, number=number.strip(), vendor_name=vendor_name.strip(),
                  phone=phone, bank_bin=bank_bin, account=account, goods=goods)
    try:
        vietqr.validate(vietqr.VietQR(bin=bank_bin, account=account))
    except vietqr.VietQRError as exc:
        raise ValidationFailed(_("The bank BIN or account number is not valid.")) from exc
    if Stall.objects.filter(market=market, number=stall.number).exists():
        raise ValidationFailed(_("This market already has a stall with this number."))
    stall.save()
    return stall


def stall_order(stall: Stall) -> tuple[int, str]:
    """Stall numbers in natural order: 2 before 10."""
    return (len(stall.number), stall.number)


def stall_purpose(stall: Stall) -> str:
    """'Cho <market> sap <n>' folded to ASCII and cut to VietQR's 25 characters."""
    market = stall.market.name
    for prefix in ("Chợ ", "chợ "):
        market = market.removeprefix(prefix)
    return vietqr.fit_purpose(vietqr.to_ascii(f"Cho {market} sap {stall.number}"))


def stall_payload(stall: Stall) -> str:
    """The stall's static VietQR: the vendor's own account, no amount (the buyer types it)."""
    return vietqr.encode(vietqr.VietQR(bin=stall.bank_bin, account=stall.account,
                                       purpose=stall_purpose(stall)))


def render_qr_sheet(*, market: Market) -> bytes:
    """A4 sheets of QR cards, 2 × 4 per page: stall, vendor, bank and account, QR."""
    import weasyprint
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils.translation import override

    from onestop.core.qr import qr_svg_data_uri
    from onestop.payments.banks import bank_name

    cards = [{"stall": s, "bank": bank_name(s.bank_bin), "qr": qr_svg_data_uri(stall_payload(s))}
             for s in sorted(market.stalls.all(), key=stall_order)]
    pages = [cards[i:i + 8] for i in range(0, len(cards), 8)] or [[]]
    with override("vi"):  # printed for the market's stalls: Vietnamese
        html = render_to_string("markets/qr_sheet.html", {"market": market, "pages": pages})
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


@dataclass
class FeedResult:
    imported: int = 0
    already: int = 0


def _parse_time(text: str) -> datetime.datetime:
    value = datetime.datetime.fromisoformat(text.strip())
    return value.replace(tzinfo=VN) if timezone.is_naive(value) else value


def _feed_check(market: Market) -> Callable[[Record], StallTransaction | None]:
    """The check of one feed line; a transaction twice in one file is kept once."""
    stalls = {s.number: s for s in market.stalls.all()}
    seen: set[str] = set()

    def check(record: Record) -> StallTransaction | None:
        stall = stalls.get(record.text("stall"))
        txn = record.text("transaction_id")
        amount_text = record.text("amount")
        problems = []
        if stall is None:
            problems.append(_("no such stall in this market"))
        if not txn or len(txn) > 100:
            problems.append(_("the transaction id is missing or too long"))
        if not amount_text.isdigit() or int(amount_text) <= 0:
            problems.append(_("the amount must be a positive whole number of đồng"))
        try:
            when = _parse_time(record.text("time"))
        except ValueError:
            problems.append(_("the time must be written YYYY-MM-DD HH:MM"))
        if problems:
            raise RowInvalid(*problems)
        if txn in seen:
            return None
        seen.add(txn)
        return StallTransaction(stall=stall, bank_txn_id=txn, occurred_at=when,
                                amount=int(amount_text))

    return check


@transaction.atomic
def feed_import(*, market: Market, text: str, actor: Any = None,
                at: datetime.datetime | None = None) -> FeedResult:
    """The vendors' transaction feed (CSV: stall, time, amount, transaction_id), all or
    nothing; a transaction id already imported is skipped (the feed overlaps day to day)."""
    if actor is not None and not can_view(actor, market):
        raise NotAllowed(_("Only staff of the market's commune import its transactions."))
    records = records_from_table(read_csv(text, refused=FeedInvalid), columns=FEED_COLUMNS,
                                 max_rows=MAX_FEED_ROWS, refused=FeedInvalid)
    rows = check_rows(records, _feed_check(market), refused=FeedInvalid)
    known = set(StallTransaction.objects.filter(
        bank_txn_id__in=[r.bank_txn_id for r in rows]).values_list("bank_txn_id", flat=True))
    new = [r for r in rows if r.bank_txn_id not in known]
    # ignore_conflicts: a feed imported twice at the same moment still counts each once.
    StallTransaction.objects.bulk_create(new, ignore_conflicts=True)
    result = FeedResult(imported=len(new), already=len(rows) - len(new))
    audit_append(actor=actor, action="market.feed_import", object_type="market",
                 object_id=market.pk, data={"imported": result.imported,
                                            "already": result.already},
                 at=now_or(at))
    return result
