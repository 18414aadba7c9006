"""Dossiers (hồ sơ) and what happens to them.

Models hold fields, constraints and small derived properties only. Every change of state
goes through onestop.dossiers.services, checked against onestop.dossiers.transitions.

Modules: `statuses` (TrangThaiHoSo codes and other choices), `dossier` (the dossier, its
steps and documents), `clock` (supplements, pauses, apologies), `forms` (issued forms and
their registers), `fees` (links to fee items and payments), `drafts` (a citizen's unfinished
filing).
"""

from .clock import ApologyLetter, ClockPause, SupplementRequest
from .dossier import CodeCounter, Dossier, DossierDocument, DossierStep
from .drafts import FilingDraft
from .fees import DossierFeeItem, DossierPayment
from .forms import FormCounter, FormKind, IssuedForm
from .statuses import (
    CLOCK_RUNNING,
    CLOCK_RUNNING_Q,
    FINISHED,
    OPEN,
    OPEN_Q,
    PAUSED,
    ApplicantKind,
    Channel,
    ResultDelivery,
    Status,
)

__all__ = [
    "CLOCK_RUNNING", "CLOCK_RUNNING_Q", "FINISHED", "OPEN", "OPEN_Q", "PAUSED",
    "ApologyLetter", "ApplicantKind", "Channel", "ClockPause", "CodeCounter", "Dossier",
    "DossierDocument", "DossierFeeItem", "DossierPayment", "DossierStep", "FilingDraft",
    "FormCounter",
    "FormKind", "IssuedForm", "ResultDelivery", "Status", "SupplementRequest",
]
