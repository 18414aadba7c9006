"""Every write to a dossier goes through one of these functions (one transaction each)."""

from .deadlines import (
    SweepResult,
    apology_dismiss,
    apology_prepare,
    apology_sign,
    deadline_sweep,
)
from .drafts import filing_draft_delete, filing_draft_of, filing_draft_save
from .fees import (
    fee_item_exempt,
    obligation_add,
    open_items,
    outstanding,
    payment_for_dossier,
    payment_record_cash,
)
from .intake import (
    Applicant,
    Filing,
    SubmittedDocument,
    business_applicant,
    dossier_intake_at_counter,
    dossier_receive,
    dossier_refuse,
    dossier_refuse_at_counter,
    dossier_submit_online,
    next_dossier_code,
)
from .payment import dossier_payment_received, dossier_request_payment
from .processing import (
    dossier_approve,
    dossier_assign,
    dossier_draft_result,
    dossier_hand_over,
    dossier_request_supplement,
    dossier_return_result,
    dossier_stop,
    dossier_supplement_received,
    dossier_withdraw,
)
from .reminders import ReminderRun, dossier_send_reminders

__all__ = [
    "Applicant", "Filing", "ReminderRun", "SubmittedDocument", "SweepResult",
    "apology_dismiss", "apology_prepare", "apology_sign", "business_applicant", "deadline_sweep",
    "dossier_approve", "dossier_assign", "dossier_draft_result", "dossier_hand_over",
    "dossier_intake_at_counter",
    "dossier_payment_received", "dossier_receive", "dossier_refuse", "dossier_refuse_at_counter",
    "dossier_request_payment",
    "dossier_request_supplement", "dossier_return_result", "dossier_send_reminders",
    "dossier_stop", "dossier_submit_online", "dossier_supplement_received", "dossier_withdraw",
    "fee_item_exempt",
    "filing_draft_delete", "filing_draft_of", "filing_draft_save", "next_dossier_code",
    "obligation_add", "open_items", "outstanding",
    "payment_for_dossier", "payment_record_cash",
]
