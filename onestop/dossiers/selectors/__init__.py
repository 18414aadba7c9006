"""Reads of dossiers, one module per audience (the scope of each is onestop.dossiers.scopes).

- queues: the staff work queues and their deadline badges
- staff: one dossier for staff, the people who may take a step, apology letters to sign
- timeline: the audit trail as a timeline, event and status labels
- public: the status lookup by code and the last four digits
- citizen: a citizen's own dossiers, documents and timeline (portal and API alike)
- fees: what a dossier owes and its payments (the dossier's links to the payments core)
- signed: the digitally signed documents of a dossier

What they need from the permissions table (`available_actions`) is in
onestop.dossiers.permissions. Selectors raise NotFound, never Http404.
"""

from .citizen import (
    citizen_timeline,
    my_document,
    my_dossier,
    my_dossiers,
    my_filing_drafts,
    open_supplement,
)
from .fees import (
    dossier_of_payment,
    fee_items_of,
    open_payment_for_dossier,
    payments_of_dossier,
    with_dossiers,
)
from .public import PublicStatus, frequently_used_procedures, public_status_lookup
from .queues import (
    QUEUE_TAB_LABELS,
    QueueFilters,
    QueueTab,
    deadline_state,
    dossier_queue_for,
    due_soon_until,
    procedure_filter_choices,
    ready_to_return_count,
)
from .signed import signed_by_file, signed_documents_of, signed_form
from .staff import (
    apology_drafts_for,
    apology_letter_for,
    dossier_detail_for,
    dossier_in_scope,
    dossier_scope_check,
    dossier_summary_for,
    next_step_of,
    staff_for_step,
)
from .timeline import TimelineEntry, action_label, dossier_timeline, status_label

__all__ = [
    "QUEUE_TAB_LABELS", "PublicStatus", "QueueFilters", "QueueTab", "TimelineEntry",
    "action_label", "apology_drafts_for", "apology_letter_for", "citizen_timeline",
    "deadline_state", "dossier_detail_for", "dossier_in_scope", "dossier_scope_check",
    "dossier_summary_for", "dossier_of_payment",
    "dossier_queue_for", "dossier_timeline", "due_soon_until", "fee_items_of",
    "frequently_used_procedures", "my_document", "my_dossier", "my_dossiers", "my_filing_drafts",
    "open_payment_for_dossier", "payments_of_dossier", "with_dossiers",
    "next_step_of", "open_supplement", "procedure_filter_choices", "public_status_lookup",
    "ready_to_return_count", "signed_by_file", "signed_documents_of", "signed_form",
    "staff_for_step", "status_label",
]
