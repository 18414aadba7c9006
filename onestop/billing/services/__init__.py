"""Bills hub services: every write goes through a function here.

- billers: billers and API keys, who may manage a biller
- imports: bill import (CSV and API), all or nothing, idempotent per bill number
- paying: paying a bill through the payments core, and its hooks
- callbacks: delivering the signed callbacks to billers
"""

from .billers import api_key_create, biller_create, biller_for_key, can_manage
from .callbacks import SIGNATURE_HEADER, backoff, callback_deliver, callback_sweep, sign
from .imports import (
    CSV_COLUMNS,
    BatchInvalid,
    BillRow,
    ImportResult,
    bills_import,
    bills_import_csv,
    parse_csv,
    parse_rows,
)
from .paying import bill_payment_start, lock_for_payment, on_payment_settled

__all__ = [
    "CSV_COLUMNS", "SIGNATURE_HEADER", "BatchInvalid", "BillRow", "ImportResult",
    "api_key_create", "backoff", "bill_payment_start", "biller_create", "biller_for_key",
    "bills_import", "bills_import_csv", "callback_deliver", "callback_sweep", "can_manage",
    "lock_for_payment", "on_payment_settled", "parse_csv", "parse_rows", "sign",
]
