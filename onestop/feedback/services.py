"""Every write to ratings and feedback goes through one of these functions (one transaction each).

A state change locks the row (SELECT … FOR UPDATE; on SQLite the IMMEDIATE transaction holds
the database write lock), checks the move against onestop.feedback.transitions, writes,
and appends an audit event in the same transaction.
"""

from __future__ import annotations

import datetime
import hmac
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency
from onestop.agencies.selectors import roles_of
from onestop.catalog.models import Procedure, ProcedureVersion
from onestop.core.audit import audit_append
from onestop.core.calendars import calendar_for
from onestop.core.clock import now_or
from onestop.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from onestop.core.sequences import next_in_sequence
from onestop.dossiers.models import Dossier, Status

from .models import (
    SCORE_MAX,
    SCORE_MIN,
    Feedback,
    FeedbackCodeCounter,
    FeedbackState,
    Rating,
    RatingCriterion,
    RatingScore,
)
from .transitions import ACTION_LABELS, PERMISSIONS, Action, target_state

# Decision 766/QĐ-TTg (service index, satisfaction group): feedback is handled on time when
# answered within 15 working days of receipt. The province may set another period
# (settings.ONESTOP_FEEDBACK_ANSWER_DAYS, default 15; docs/legal-rules.md).


def feedback_answer_days() -> Decimal:
    """The answer period in working days (settings.ONESTOP_FEEDBACK_ANSWER_DAYS)."""
    return Decimal(str(settings.ONESTOP_FEEDBACK_ANSWER_DAYS))


COMMENT_MAX = 2000
CONTENT_MAX = 5000

_NON_DIGIT = re.compile(r"\D")
# Vietnamese numbers: 0 + 9 digits (mobile), or 0 + 10 digits (a few landlines); +84 / 84 prefix.
_PHONE_RE = re.compile(r"^0\d{9,10}$")


# ---- ratings ----------------------------------------------------------------------------------

def _clean_scores(
    scores: Mapping[str, object], criteria: Iterable[RatingCriterion]
) -> dict[int, int]:
    """{criterion id: score} for exactly the active criteria, each an integer 1..5."""
    by_code = {c.code: c for c in criteria}
    unknown = sorted(set(scores) - set(by_code))
    if unknown:
        raise ValidationFailed(_("Unknown rating criteria: %(codes)s."), codes=", ".join(unknown))
    missing = [c.label for code, c in by_code.items() if code not in scores]
    if missing:
        raise ValidationFailed(_("Give a score for: %(names)s."), names="; ".join(missing))
    out: dict[int, int] = {}
    for code, raw in scores.items():
        # bool is an int in Python; True must not pass as a score of 1.
        value = raw if type(raw) is int else None
        if value is None and isinstance(raw, str) and raw.strip().isdigit():
            value = int(raw.strip())
        if value is None or not SCORE_MIN <= value <= SCORE_MAX:
            raise ValidationFailed(
                _("The score for “%(name)s” must be a whole number from %(low)s to %(high)s."),
                name=by_code[code].label, low=SCORE_MIN, high=SCORE_MAX,
            )
        out[by_code[code].pk] = value
    return out


@transaction.atomic
def rating_submit(
    *, dossier_id: int, citizen: Any, scores: Mapping[str, object], comment: str = "",
    at: datetime.datetime | None = None,
) -> Rating:
    """The applicant rates a returned dossier once, on every active criterion (1..5)."""
    at = now_or(at)
    try:
        dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier_id)
    except Dossier.DoesNotExist as exc:
        raise NotAllowed(_("Only the applicant can rate this dossier.")) from exc
    if citizen is None or dossier.applicant_id is None or dossier.applicant_id != citizen.pk:
        raise NotAllowed(_("Only the applicant can rate this dossier."))
    if dossier.status != Status.RETURNED:
        raise InvalidTransition(_("A dossier can be rated once its result has been returned."))
    if Rating.objects.filter(dossier_id=dossier.pk).exists():
        raise Conflict(_("This dossier has already been rated."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(_("The comment is too long (at most %(max)s characters)."),
                               max=COMMENT_MAX)
    criteria = list(RatingCriterion.objects.filter(active=True))
    if not criteria:
        raise ValidationFailed(_("Rating is not available: no criteria are set up."))
    clean = _clean_scores(scores, criteria)
    try:
        with transaction.atomic():  # a savepoint: the unique dossier is the last guard
            rating = Rating.objects.create(dossier=dossier, citizen=citizen, comment=comment,
                                           created_at=at)
    except IntegrityError as exc:
        raise Conflict(_("This dossier has already been rated.")) from exc
    RatingScore.objects.bulk_create(
        RatingScore(rating=rating, criterion_id=cid, score=value) for cid, value in clean.items()
    )
    codes = {c.pk: c.code for c in criteria}
    audit_append(
        actor=citizen, action="rating.submit", object_type="rating", object_id=rating.pk,
        to_state="rated", at=at,
        data={"dossier": dossier.code, "scores": {codes[k]: v for k, v in clean.items()},
              "comment": bool(comment)},
    )
    return rating


# ---- feedback: submission ------------------------------------------------------------------

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


# ---- feedback: back office -------------------------------------------------------------------

def _lock(feedback_id: int, expected_version: int | None) -> Feedback:
    try:
        feedback = Feedback.objects.select_for_update(of=("self",)).select_related(
            "agency").get(pk=feedback_id)
    except Feedback.DoesNotExist as exc:
        raise InvalidTransition(_("This feedback does not exist.")) from exc
    if expected_version is not None and feedback.version != expected_version:
        raise Conflict(_("Someone else changed this feedback a moment ago. Reload the page "
                         "and try again."))
    return feedback


def may(*, action: Action | str, feedback: Feedback, user: Any) -> bool:
    """Whether `user`'s roles in the feedback's agency allow `action` (permissions only)."""
    held = roles_of(user=user).get(feedback.agency_id, set())
    return any(role in held for role in PERMISSIONS[Action(action)])


def _check(action: Action, feedback: Feedback, user: Any) -> str:
    to = target_state(action, feedback.state)
    if to is None:
        raise InvalidTransition(
            _("“%(action)s” is not possible while the feedback is “%(state)s”."),
            action=ACTION_LABELS[action], state=feedback.get_state_display(),
        )
    if user is None or not may(action=action, feedback=feedback, user=user):
        raise NotAllowed(_("Your role does not allow this action on this feedback."))
    return to


def _record(*, feedback: Feedback, action: Action, actor: Any, from_state: str,
            fields: list[str], at: datetime.datetime, reason: str = "",
            data: dict[str, Any] | None = None) -> None:
    feedback.version += 1
    feedback.save(update_fields=[*fields, "version", "updated_at"])
    audit_append(
        actor=actor, action=f"feedback.{action}", object_type="feedback",
        object_id=feedback.pk, from_state=from_state, to_state=feedback.state, reason=reason,
        data=data or {}, at=at,
    )


def _clean_answer(answer: str) -> str:
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed(_("Write the answer."))
    if len(answer) > CONTENT_MAX:
        raise ValidationFailed(_("The answer is too long (at most %(max)s characters)."),
                               max=CONTENT_MAX)
    return answer


@transaction.atomic
def feedback_save_draft(
    *, feedback_id: int, actor: Any, answer: str, expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Feedback:
    """Any staff member of the agency writes or edits the draft answer (nothing is sent)."""
    at = now_or(at)
    feedback = _lock(feedback_id, expected_version)
    _check(Action.DRAFT, feedback, actor)
    feedback.answer = _clean_answer(answer)
    feedback.answer_drafted_by = actor
    feedback.answer_drafted_at = at
    _record(feedback=feedback, action=Action.DRAFT, actor=actor, from_state=feedback.state,
            fields=["answer", "answer_drafted_by", "answer_drafted_at"], at=at)
    return feedback


def _publish(feedback: Feedback, *, actor: Any, at: datetime.datetime) -> None:
    from_state = feedback.state
    to = _check(Action.PUBLISH, feedback, actor)
    if not feedback.consent_publish:
        raise NotAllowed(_("The sender did not agree to publication."))
    feedback.state = to
    feedback.published_at = at
    _record(feedback=feedback, action=Action.PUBLISH, actor=actor, from_state=from_state,
            fields=["state", "published_at"], at=at)


@transaction.atomic
def feedback_answer(
    *, feedback_id: int, actor: Any, answer: str, publish: bool = False,
    expected_version: int | None = None, at: datetime.datetime | None = None,
) -> Feedback:
    """A leader or the agency admin approves the answer; optionally publishes it at once."""
    at = now_or(at)
    feedback = _lock(feedback_id, expected_version)
    from_state = feedback.state
    feedback.state = _check(Action.ANSWER, feedback, actor)
    if publish and not feedback.consent_publish:
        raise NotAllowed(_("The sender did not agree to publication."))
    text = _clean_answer(answer)
    if text != feedback.answer:
        feedback.answer_drafted_by = actor
        feedback.answer_drafted_at = at
    feedback.answer = text
    feedback.answered_by = actor
    feedback.answered_at = at
    _record(feedback=feedback, action=Action.ANSWER, actor=actor, from_state=from_state,
            fields=["state", "answer", "answer_drafted_by", "answer_drafted_at",
                    "answered_by", "answered_at"], at=at,
            data={"on_time": feedback.on_time})
    if publish:
        _publish(feedback, actor=actor, at=at)
    from onestop.notifications.services import notify_feedback_answered  # outbox, same txn

    notify_feedback_answered(feedback=feedback, at=at)
    return feedback


@transaction.atomic
def feedback_publish(
    *, feedback_id: int, actor: Any, expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Feedback:
    """Publish an answered feedback on the portal: only with the sender's consent."""
    at = now_or(at)
    feedback = _lock(feedback_id, expected_version)
    _publish(feedback, actor=actor, at=at)
    return feedback


@transaction.atomic
def feedback_close(
    *, feedback_id: int, actor: Any, reason: str = "", expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Feedback:
    """Close without (further) publication; an unanswered item needs a reason."""
    at = now_or(at)
    feedback = _lock(feedback_id, expected_version)
    from_state = feedback.state
    feedback.state = _check(Action.CLOSE, feedback, actor)
    reason = (reason or "").strip()
    if from_state == FeedbackState.RECEIVED and not reason:
        raise ValidationFailed(_("Give the reason for closing without an answer."))
    feedback.closed_at = at
    feedback.close_reason = reason
    _record(feedback=feedback, action=Action.CLOSE, actor=actor, from_state=from_state,
            fields=["state", "closed_at", "close_reason"], at=at, reason=reason)
    return feedback


@transaction.atomic
def feedback_forward(
    *, feedback_id: int, actor: Any, agency_id: int, reason: str = "",
    expected_version: int | None = None, at: datetime.datetime | None = None,
) -> Feedback:
    """Hand an unanswered item to the competent agency; the deadline still counts from receipt."""
    at = now_or(at)
    feedback = _lock(feedback_id, expected_version)
    _check(Action.FORWARD, feedback, actor)
    target = Agency.objects.filter(pk=agency_id, is_active=True).first()
    if target is None or target.pk == feedback.agency_id:
        raise ValidationFailed(_("Choose another agency to forward to."))
    previous = feedback.agency
    feedback.agency = target
    _record(feedback=feedback, action=Action.FORWARD, actor=actor, from_state=feedback.state,
            fields=["agency"], at=at, reason=(reason or "").strip(),
            data={"from": previous.code, "to": target.code})
    return feedback
