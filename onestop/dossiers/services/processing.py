"""Processing after receipt: hand-overs between steps, supplements, stop, withdraw, results."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Membership
from onestop.core.clock import now_or
from onestop.core.errors import NotAllowed, ValidationFailed
from onestop.core.uploads import PDF, accept_upload

from ..models import (
    ClockPause,
    Dossier,
    DossierDocument,
    DossierStep,
    FormKind,
    Status,
    SupplementRequest,
)
from ..permissions import authorize
from ..transitions import Action
from ._base import (
    appointment_of,
    check_move,
    lock_dossier,
    open_step,
    record,
)
from .clock import CLOCK_FIELDS, clock_close, clock_pause, clock_resume
from .intake import SubmittedDocument, accepted_documents, check_documents_belong
from .payment import ensure_paid_before_return
from .registers import form_issue
from .signing import (
    PreparedResult,
    result_from_draft,
    result_prepare,
    result_record,
    stop_signed,
)


def _finish_current_step(dossier: Dossier, *, actor: Any, at: datetime.datetime,
                         note: str) -> DossierStep | None:
    """Close the current step and open the next one; returns the next step (None if last)."""
    step = open_step(dossier)
    step.finished_at = at
    step.finished_by = actor
    step.note = note
    step.save(update_fields=["finished_at", "finished_by", "note"])
    nxt = dossier.steps.filter(order__gt=step.order).order_by("order").first()
    if nxt is not None:
        nxt.started_at = at
        nxt.save(update_fields=["started_at"])
    dossier.current_step = nxt
    return nxt


@transaction.atomic
def dossier_hand_over(
    *, dossier_id: int, actor: Any, note: str = "", assignee: Any | None = None,
    expected_version: int | None = None, at: datetime.datetime | None = None,
) -> Dossier:
    """Finish the current step and pass the dossier to the next one (form 06 records it)."""
    at = now_or(at)
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=expected_version)
    from_status = dossier.status
    to = check_move(action=Action.HAND_OVER, dossier=dossier)
    authorize(action=Action.HAND_OVER, dossier=dossier, user=actor)
    done = open_step(dossier)
    if not dossier.steps.filter(order__gt=done.order).exists():
        raise ValidationFailed(_("This is the last step: approve the result instead."))
    nxt = _finish_current_step(dossier, actor=actor, at=at, note=note)
    assert nxt is not None
    if assignee is not None:
        if not Membership.objects.filter(user=assignee, agency_id=nxt.agency_id,
                                         role=nxt.role).exists():
            raise ValidationFailed(_("%(person)s cannot do the next step."), person=str(assignee))
        nxt.assignee = assignee
        nxt.save(update_fields=["assignee"])
    dossier.status = to
    record(dossier=dossier, action=Action.HAND_OVER, actor=actor, from_status=from_status,
           fields=["status", "current_step"], at=at, reason=note,
           data={"from_step": done.name, "to_step": nxt.name,
                 "assignee": getattr(assignee, "pk", None)})
    return dossier


@transaction.atomic
def dossier_assign(
    *, dossier_id: int, actor: Any, assignee: Any, expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Dossier:
    """A leader of the current step's agency gives the step to a named colleague."""
    at = now_or(at)
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=expected_version)
    step = dossier.current_step
    if step is None or dossier.is_finished:
        raise ValidationFailed(_("The dossier has no open step."))
    if not Membership.objects.filter(user=actor, agency_id=step.agency_id, role="leader").exists():
        raise NotAllowed(_("Only a leader of the step's agency can assign it."))
    if not Membership.objects.filter(user=assignee, agency_id=step.agency_id,
                                     role=step.role).exists():
        raise ValidationFailed(_("%(person)s cannot do this step."), person=str(assignee))
    step.assignee = assignee
    step.save(update_fields=["assignee"])
    record(dossier=dossier, action="assign", actor=actor, from_status=dossier.status,
           fields=["current_step"], at=at, data={"assignee": assignee.pk, "step": step.name})
    return dossier


@transaction.atomic
def dossier_draft_result(
    *, dossier_id: int, actor: Any, file: Any, note: str = "",
    expected_version: int | None = None, at: datetime.datetime | None = None,
) -> DossierDocument:
    """The specialist attaches the draft result (a PDF: the certificate, licence or decision
    as it will be issued) for the leader to review before approving. The latest draft is the
    one the leader approves and signs (services/signing.py); the applicant never sees drafts.
    """
    at = now_or(at)
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=expected_version)
    check_move(action=Action.DRAFT_RESULT, dossier=dossier)
    authorize(action=Action.DRAFT_RESULT, dossier=dossier, user=actor)
    if file is None:
        raise ValidationFailed(_("Attach the draft result as a PDF."))
    # A PDF only: the leader signs this very file (PAdES) on approval.
    checked = accept_upload(file, kinds=(PDF,))
    version = dossier.procedure_version
    document = DossierDocument.objects.create(
        dossier=dossier, kind=DossierDocument.Kind.DRAFT_RESULT,
        name=f"Dự thảo: {version.result_type or 'kết quả'}", file=checked, uploaded_by=actor,
        uploaded_at=at)
    record(dossier=dossier, action=Action.DRAFT_RESULT, actor=actor,
           from_status=dossier.status, fields=[], at=at, reason=note.strip(),
           data={"document": document.pk})
    return document


def dossier_approve(
    *, dossier_id: int, actor: Any, note: str = "", expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Dossier:
    """The leader approves and signs on the last step: the result is ready (status 9).

    The electronic result is the specialist's latest draft result when there is one (the
    leader saw it on the dossier page), else rendered from the dossier; it is signed with the
    leader's key (services/signing.py)
    before the dossier's row lock is taken, so the lock (on SQLite the database's write lock)
    is held only for the writes; the signature is kept under the lock, and made again there
    if the dossier changed in between. Called inside a caller's transaction (the demo), it
    all happens under the lock. A refused signature refuses the approval.
    """
    at = now_or(at)
    early = None
    if not transaction.get_connection().in_atomic_block:
        early = _result_before_lock(dossier_id=dossier_id, actor=actor, at=at,
                                    expected_version=expected_version)
    return _approve(dossier_id=dossier_id, actor=actor, note=note, at=at, early=early,
                    expected_version=expected_version)


def _approval_checks(dossier: Dossier, *, actor: Any) -> Status:
    to = check_move(action=Action.APPROVE, dossier=dossier)
    authorize(action=Action.APPROVE, dossier=dossier, user=actor)
    if dossier.steps.filter(order__gt=open_step(dossier).order).exists():
        raise ValidationFailed(_("Steps remain before approval: hand the dossier over."))
    return to


def _result_before_lock(*, dossier_id: int, actor: Any, at: datetime.datetime,
                        expected_version: int | None) -> PreparedResult | None:
    dossier = (Dossier.objects.select_related("procedure_version", "receiving_agency",
                                              "handling_agency", "current_step")
               .filter(pk=dossier_id).first())
    if dossier is None or (expected_version is not None
                           and dossier.version != expected_version):
        return None  # the locked read gives the proper answer
    _approval_checks(dossier, actor=actor)
    signed = result_prepare(dossier=dossier, leader=actor, at=at)
    return PreparedResult(signed=signed, version=dossier.version) if signed else None


@transaction.atomic
def _approve(*, dossier_id: int, actor: Any, note: str, at: datetime.datetime,
             early: PreparedResult | None, expected_version: int | None) -> Dossier:
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=expected_version)
    to = _approval_checks(dossier, actor=actor)
    signed = (early.signed if early is not None and early.version == dossier.version
              else result_prepare(dossier=dossier, leader=actor, at=at))
    _finish_current_step(dossier, actor=actor, at=at, note=note)
    dossier.status = to
    dossier.finished_at = at  # the processing end used for "on time" (docs/domain.md §6)
    data: dict[str, Any] = {"on_time": at <= (dossier.due_at or appointment_of(dossier))}
    if signed is not None:
        data["result_sha256"] = signed.sha256
    record(dossier=dossier, action=Action.APPROVE, actor=actor, from_status=Status.IN_PROCESS,
           fields=["status", "current_step", "finished_at"], at=at, reason=note, data=data)
    if signed is not None:
        result_record(dossier=dossier, signed=signed, actor=actor, at=at)
    else:
        # No key to sign with: the approved draft (if any) is still the result the officer
        # returns, signed by hand on paper.
        result_from_draft(dossier=dossier, actor=actor, at=at)
    return dossier


@transaction.atomic
def dossier_request_supplement(
    *, dossier_id: int, actor: Any, reason: str, items: str = "",
    document_ids: Sequence[int] = (),
    expected_version: int | None = None, at: datetime.datetime | None = None,
) -> SupplementRequest:
    """Ask the applicant for missing documents (form 02); the legal clock stops.

    `document_ids` are the procedure's documents asked for; `items` what else, or how
    (one of the two is needed).
    """
    at = now_or(at)
    if not reason.strip() or not (items.strip() or document_ids):
        raise ValidationFailed(_("Say what is missing and why."))
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=expected_version)
    asked = list(dossier.procedure_version.documents.filter(pk__in=set(document_ids))
                 .order_by("order"))
    if len(asked) != len(set(document_ids)):
        raise ValidationFailed(_("A document id does not belong to this procedure."))
    if not items.strip():
        items = "\n".join(d.name for d in asked)
    from_status = dossier.status
    to = check_move(action=Action.REQUEST_SUPPLEMENT, dossier=dossier)
    authorize(action=Action.REQUEST_SUPPLEMENT, dossier=dossier, user=actor)
    request = SupplementRequest.objects.create(
        dossier=dossier, requested_by=actor, requested_at=at, reason=reason.strip(),
        items=items.strip(), resume_status=from_status,
    )
    request.documents.set(asked)
    dossier.status = to
    clock_pause(dossier, kind=ClockPause.Kind.SUPPLEMENT, at=at)
    dossier.supplement_count += 1
    record(dossier=dossier, action=Action.REQUEST_SUPPLEMENT, actor=actor,
           from_status=from_status, fields=["status", "paused_at", "supplement_count"], at=at,
           reason=reason.strip(),
           data={"items": items.strip(), "documents": [d.pk for d in asked]})
    form_issue(form=FormKind.SUPPLEMENT, agency=dossier.receiving_agency, dossier=dossier,
               at=at, object_id=request.pk)
    return request


@transaction.atomic
def dossier_supplement_received(
    *, dossier_id: int, actor: Any, documents: Sequence[SubmittedDocument] = (),
    note: str = "", expected_version: int | None = None, at: datetime.datetime | None = None,
) -> Dossier:
    """The documents arrived: the clock resumes and every open due moment moves on.

    Recorded by an officer of the receiving centre (documents brought to the counter) or by
    the applicant's own account (documents uploaded on the portal).
    """
    at = now_or(at)
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=expected_version)
    check_move(action=Action.SUPPLEMENT_RECEIVED, dossier=dossier)
    is_applicant = dossier.applicant_id is not None and dossier.applicant_id == actor.pk
    if not is_applicant:
        authorize(action=Action.SUPPLEMENT_RECEIVED, dossier=dossier, user=actor)
    elif not documents:
        raise ValidationFailed(_("Attach the documents that were asked for."))
    # The applicant's uploads and the officer's scans alike (core.uploads).
    documents = accepted_documents(documents)
    check_documents_belong(dossier.procedure_version, documents)
    request = dossier.supplements.get(resolved_at__isnull=True)
    for doc in documents:
        DossierDocument.objects.create(
            dossier=dossier, required_document_id=doc.required_document_id,
            kind=DossierDocument.Kind.SUPPLEMENT, name=doc.name or str(_("Supplement")),
            file=doc.file or "", originals=doc.originals, copies=doc.copies,
            uploaded_by=actor, uploaded_at=at,
        )
    moved = clock_resume(dossier, at=at)
    request.resolved_at = at
    request.resolved_by = actor
    request.paused_seconds = int(moved.get("paused_working_seconds", 0))
    request.save(update_fields=["resolved_at", "resolved_by", "paused_seconds"])
    dossier.status = request.resume_status
    # A new due moment may no longer be "due soon"; let the sweep judge again.
    dossier.due_soon_flagged_at = None
    record(dossier=dossier, action=Action.SUPPLEMENT_RECEIVED, actor=actor,
           from_status=Status.SUPPLEMENT,
           fields=["status", *CLOCK_FIELDS, "due_soon_flagged_at"], at=at,
           reason=note, data=moved)
    return dossier


@transaction.atomic
def dossier_withdraw(
    *, dossier_id: int, actor: Any, reason: str, expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Dossier:
    """The applicant withdraws (status 7): recorded by an officer, or by the applicant online."""
    at = now_or(at)
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=expected_version)
    from_status = dossier.status
    to = check_move(action=Action.WITHDRAW, dossier=dossier)
    is_applicant = dossier.applicant_id is not None and dossier.applicant_id == actor.pk
    if not is_applicant:
        authorize(action=Action.WITHDRAW, dossier=dossier, user=actor)
    dossier.status = to
    dossier.current_step = None
    clock_close(dossier, at=at)
    dossier.supplements.filter(resolved_at__isnull=True).update(resolved_at=at)
    record(dossier=dossier, action=Action.WITHDRAW, actor=actor, from_status=from_status,
           fields=["status", "current_step", "paused_at"], at=at, reason=reason.strip())
    return dossier


@transaction.atomic
def dossier_stop(
    *, dossier_id: int, actor: Any, reason: str, expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Dossier:
    """The competent agency stops processing (status 8, form 05) with a reason."""
    at = now_or(at)
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for stopping."))
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=expected_version)
    from_status = dossier.status
    to = check_move(action=Action.STOP, dossier=dossier)
    authorize(action=Action.STOP, dossier=dossier, user=actor)
    dossier.status = to
    dossier.finished_at = at
    dossier.current_step = None
    clock_close(dossier, at=at)
    dossier.supplements.filter(resolved_at__isnull=True).update(resolved_at=at)
    record(dossier=dossier, action=Action.STOP, actor=actor, from_status=from_status,
           fields=["status", "finished_at", "current_step", "paused_at"], at=at,
           reason=reason.strip())
    form_issue(form=FormKind.STOP, agency=dossier.handling_agency, dossier=dossier, at=at)
    stop_signed(dossier=dossier, leader=actor, at=at)
    return dossier


@transaction.atomic
def dossier_return_result(
    *, dossier_id: int, officer: Any, result_file: Any | None = None, note: str = "",
    expected_version: int | None = None, at: datetime.datetime | None = None,
) -> Dossier:
    """The officer hands the result to the applicant (status 10); an electronic copy is kept."""
    at = now_or(at)
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=expected_version)
    to = check_move(action=Action.RETURN_RESULT, dossier=dossier)
    authorize(action=Action.RETURN_RESULT, dossier=dossier, user=officer)
    ensure_paid_before_return(dossier)
    if result_file is not None:
        # A result is opened by the applicant and other staff: the same check as any upload.
        result_file = accept_upload(result_file)
        DossierDocument.objects.create(
            dossier=dossier, kind=DossierDocument.Kind.RESULT,
            name=dossier.procedure_version.result_type, file=result_file, uploaded_by=officer,
            uploaded_at=at,
        )
    dossier.status = to
    dossier.returned_at = at
    record(dossier=dossier, action=Action.RETURN_RESULT, actor=officer,
           from_status=Status.RESULT_READY, fields=["status", "returned_at"], at=at, reason=note)
    return dossier
