"""Every write to ratings and feedback goes through one of these functions (one transaction each).

- ratings: a returned dossier's rating by its applicant
- submission: feedback (PAKN) sent by anyone, its code and answer deadline
- office: the back office's moves of a feedback item (onestop.feedback.transitions)
"""

from .office import (
    feedback_answer,
    feedback_close,
    feedback_forward,
    feedback_publish,
    feedback_save_draft,
    may,
)
from .ratings import COMMENT_MAX, rating_submit
from .submission import (
    CONTENT_MAX,
    city_service_centre,
    feedback_answer_days,
    feedback_submit,
    next_feedback_code,
    normalise_contact,
)

__all__ = [
    "COMMENT_MAX", "CONTENT_MAX", "city_service_centre", "feedback_answer",
    "feedback_answer_days", "feedback_close", "feedback_forward", "feedback_publish",
    "feedback_save_draft", "feedback_submit", "may", "next_feedback_code", "normalise_contact",
    "rating_submit",
]
