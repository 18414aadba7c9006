"""Feedback (PAKN) from anyone: contact checks, the verified dossier, the competent agency,
the feedback code and the answer deadline."""

from __future__ import annotations

import datetime
import hmac
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency
from onestop.catalog.models import Procedure, ProcedureVersion
from onestop.core.audit import audit_append
from onestop.core.calendars import calendar_for
from onestop.core.clock import now_or
from onestop.core.errors import ValidationFailed
from onestop.core.sequences import next_in_sequence
from onestop.dossiers.models import Dossier

from ..models import (
    Feedback,
    FeedbackCodeCounter,
)

# Decision 766/QĐ-TTg (service index, satisfaction group): feedback is handled on time when
# answered within 15 working days of receipt. The province may set another period
# (settings.ONESTOP_FEEDBACK_ANSWER_DAYS, default 15; docs/legal-rules.md).


def feedback_answer_days() -> Decimal:
    """The answer period in working days (settings.ONESTOP_FEEDBACK_ANSWER_DAYS)."""
    return Decimal(str(settings.ONESTOP_FEEDBACK_ANSWER_DAYS))


CONTENT_MAX = 5000

_NON_DIGIT = re.compile(r"\D")
# Vietnamese numbers: 0 + 9 digits (mobile), or 0 + 10 digits (a few landlines); +84 / 84 prefix.
_PHONE_RE = re.compile(r"^0\d{9,10}$")


def normalise_contact(raw: str) -> str:
    """A phone number as 0xxxxxxxxx, or a lower-case e-mail; ValidationFailed otherwise."""
    text = (raw or "").strip()
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError as exc:
            raise ValidationFailed(_("Enter a valid phone number or e-mail address.")) from exc
        return text.lower()
    digits = _NON_DIGIT.sub("", text)
    if text.startswith("+84") or (digits.startswith("84") and len(digits) in (11, 12)):
        digits = "0" + digits[2:]
    if not _PHONE_RE.fullmatch(digits) or re.sub(r"[\d\s().+-]", "", text):
        raise ValidationFailed(_("Enter a valid phone number or e-mail address."))
    return digits


def _last4(value: str) -> str:
    digits = _NON_DIGIT.sub("", value or "")
    return digits[-4:] if len(digits) >= 4 else ""


def _factor_matches(factor: str, candidates: Iterable[str]) -> bool:
    ok = False
    for candidate in candidates:
        last = _last4(candidate)
        # Every candidate compared, in constant time, like the public status lookup.
        ok |= bool(last) and hmac.compare_digest(last, factor)
    return ok


def _verified_dossier(code: str, factor: str) -> Dossier | None:
    if not code or not re.fullmatch(r"\d{4}", factor or ""):
        return None
    dossier = (Dossier.objects.filter(code=code)
               .select_related("handling_agency", "procedure_version__procedure").first())
    if dossier is None or not _factor_matches(
        factor, (dossier.applicant_phone, dossier.applicant_id_number)
    ):
        return None
    return dossier


def _competent_agency(procedure: Procedure, day: datetime.date) -> Agency | None:
    """The first competent agency of the procedure's version in force (else the latest)."""
    versions = list(ProcedureVersion.objects.filter(
        procedure=procedure, state=ProcedureVersion.State.PUBLISHED
    ).prefetch_related("competent_agencies").order_by("-number"))
    current = next((v for v in versions if v.is_valid_on(day)), versions[0] if versions else None)
    if current is None:
        return None
    return next((a for a in current.competent_agencies.all() if a.is_active), None)


def city_service_centre() -> Agency:
    """Where feedback goes when nothing points at a competent agency."""
    centre = (Agency.objects.filter(kind=Agency.Kind.SERVICE_CENTRE, is_active=True)
              .order_by("id").first())
    if centre is None:
        raise ValidationFailed(_("Feedback cannot be received: no service centre is set up."))
    return centre


def next_feedback_code(*, day: datetime.date) -> str:
    """PAKN-YYMMDD-XXXX, XXXX consecutive per day of receipt, taken inside the submission
    transaction (onestop.core.sequences: no committed gap, never a reused code)."""
    last = next_in_sequence(FeedbackCodeCounter, day=day)
    return f"PAKN-{day:%y%m%d}-{last:04d}"


@transaction.atomic
def feedback_submit(
    *, sender_name: str, contact: str, subject: str, content: str, consent_publish: bool,
    procedure_code: str = "", dossier_code: str = "", dossier_factor: str = "",
    sender: Any | None = None, at: datetime.datetime | None = None,
) -> Feedback:
    """Anyone sends feedback; it gets a code, an agency in charge and a 15-working-day deadline.

    A dossier reference counts only when its code and the last four digits of the
    applicant's phone or CCCD match; otherwise it is kept as unverified text, and the
    sender is told nothing different (the reference cannot be used to probe codes).
    """
    at = now_or(at)
    sender_name = (sender_name or "").strip()
    subject = (subject or "").strip()
    content = (content or "").strip()
    if not sender_name:
        raise ValidationFailed(_("Your name is required."))
    if not subject:
        raise ValidationFailed(_("The subject is required."))
    if not content:
        raise ValidationFailed(_("Describe your feedback."))
    if len(content) > CONTENT_MAX:
        raise ValidationFailed(_("The feedback is too long (at most %(max)s characters)."),
                               max=CONTENT_MAX)
    contact = normalise_contact(contact)
    procedure_ref = (procedure_code or "").strip()[:32]
    dossier_ref = (dossier_code or "").strip().upper()[:40]
    day = timezone.localtime(at).date()

    dossier = _verified_dossier(dossier_ref, (dossier_factor or "").strip())
    procedure = Procedure.objects.filter(code=procedure_ref).first() if procedure_ref else None
    if dossier is not None:
        agency: Agency | None = dossier.handling_agency
        procedure = procedure or dossier.procedure_version.procedure
    else:
        agency = _competent_agency(procedure, day) if procedure is not None else None
    if agency is None:
        agency = city_service_centre()

    deadline = calendar_for(agency).due(at, feedback_answer_days())
    feedback = Feedback.objects.create(
        code=next_feedback_code(day=day), agency=agency, procedure_ref=procedure_ref,
        procedure=procedure, dossier_ref=dossier_ref, dossier=dossier,
        sender=sender if getattr(sender, "is_authenticated", False) else None,
        sender_name=sender_name[:200], contact=contact, subject=subject[:200], content=content,
        consent_publish=bool(consent_publish), received_at=at, deadline_at=deadline,
    )
    audit_append(
        actor=feedback.sender, action="feedback.submit", object_type="feedback",
        object_id=feedback.pk, to_state=feedback.state, at=at,
        data={"code": feedback.code, "agency": agency.code, "deadline": deadline,
              "dossier_verified": dossier is not None, "consent": feedback.consent_publish},
    )
    return feedback
