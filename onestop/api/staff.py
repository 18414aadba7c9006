"""Staff endpoints: the work queue and dossier actions, scoped to the user's agencies.

The same selectors and services as the back office: dossier_queue_for / dossier_summary_for
(404 outside the user's scope), and one service per action with expected_version, so the
permission table and the transition table decide exactly as they do on the pages.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, UploadedFile

from onestop.core.errors import ValidationFailed
from onestop.dossiers import services as svc
from onestop.dossiers.models import Status
from onestop.dossiers.permissions import available_actions
from onestop.dossiers.selectors import (
    QueueFilters,
    QueueTab,
    dossier_queue_for,
    dossier_scope_check,
    dossier_summary_for,
    dossier_timeline,
)

from .base import ERRORS, DbInt, InputSchema, PathId, decode_cursor, encode_cursor, staff_auth

router = Router(tags=["staff"], auth=staff_auth)
PAGE = 50


class QueueItem(Schema):
    id: int
    code: str | None
    procedure: str
    applicant_name: str
    status_code: int
    status: str
    appointment_at: datetime.datetime | None
    version: int
    current_step: str | None


class QueuePage(Schema):
    items: list[QueueItem]
    next: str | None


class QueueIn(InputSchema):
    tab: QueueTab = QueueTab.MINE
    status: DbInt | None = None
    q: str = ""
    cursor: str | None = None


@router.get("/queue", response={200: QueuePage, **ERRORS}, summary="My work queue")
def queue(request: HttpRequest, params: Query[QueueIn]) -> dict[str, Any]:
    offset = decode_cursor(params.cursor, key="o") or 0
    qs = dossier_queue_for(user=request.user, tab=params.tab,
                           filters=QueueFilters(status=params.status, text=params.q[:100]))
    rows = list(qs[offset:offset + PAGE + 1])
    more = len(rows) > PAGE
    return {"items": [{
        "id": d.pk, "code": d.code, "procedure": d.procedure_version.name,
        "applicant_name": d.applicant_name, "status_code": d.status,
        "status": str(Status(d.status).label), "appointment_at": d.appointment_at,
        "version": d.version, "current_step": d.current_step.name if d.current_step else None,
    } for d in rows[:PAGE]], "next": encode_cursor({"o": offset + PAGE}) if more else None}


class StaffEvent(Schema):
    at: datetime.datetime
    label: str
    actor: str
    from_status: str
    to_status: str
    reason: str


class StaffDossier(QueueItem):
    applicant_phone: str
    applicant_id_number: str
    actions: list[str]
    timeline: list[StaffEvent]


def _detail(user: Any, pk: int) -> dict[str, Any]:
    d = dossier_summary_for(user=user, pk=pk)
    return {
        "id": d.pk, "code": d.code, "procedure": d.procedure_version.name,
        "applicant_name": d.applicant_name, "status_code": d.status,
        "status": str(Status(d.status).label), "appointment_at": d.appointment_at,
        "version": d.version, "current_step": d.current_step.name if d.current_step else None,
        "applicant_phone": d.applicant_phone, "applicant_id_number": d.applicant_id_number,
        "actions": sorted(available_actions(user=user, dossier=d)),
        "timeline": [{"at": e.at, "label": e.label, "actor": e.actor,
                      "from_status": e.from_status, "to_status": e.to_status,
                      "reason": e.reason} for e in dossier_timeline(dossier=d)],
    }


@router.get("/dossiers/{dossier_id}", response={200: StaffDossier, **ERRORS},
            summary="A dossier in my agencies' scope, with the actions I may take")
def dossier(request: HttpRequest, dossier_id: PathId) -> dict[str, Any]:
    return _detail(request.user, dossier_id)


class ActionIn(InputSchema):
    expected_version: DbInt
    reason: str = ""
    note: str = ""
    items: str = ""
    amount: DbInt | None = None


ACTIONS: dict[str, Callable[..., Any]] = {
    "receive": lambda d, u, a: svc.dossier_receive(
        dossier_id=d, officer=u, expected_version=a.expected_version),
    "refuse": lambda d, u, a: svc.dossier_refuse(
        dossier_id=d, officer=u, reason=a.reason, expected_version=a.expected_version),
    "hand_over": lambda d, u, a: svc.dossier_hand_over(
        dossier_id=d, actor=u, note=a.note, expected_version=a.expected_version),
    "approve": lambda d, u, a: svc.dossier_approve(
        dossier_id=d, actor=u, note=a.note, expected_version=a.expected_version),
    "request_supplement": lambda d, u, a: svc.dossier_request_supplement(
        dossier_id=d, actor=u, reason=a.reason, items=a.items,
        expected_version=a.expected_version),
    "supplement_received": lambda d, u, a: svc.dossier_supplement_received(
        dossier_id=d, actor=u, note=a.note, expected_version=a.expected_version),
    "request_payment": lambda d, u, a: svc.dossier_request_payment(
        dossier_id=d, actor=u, amount=a.amount if a.amount is not None else 0,
        reason=a.reason, expected_version=a.expected_version),
    "payment_received": lambda d, u, a: svc.dossier_payment_received(
        dossier_id=d, actor=u, reference=a.note, expected_version=a.expected_version),
    "withdraw": lambda d, u, a: svc.dossier_withdraw(
        dossier_id=d, actor=u, reason=a.reason, expected_version=a.expected_version),
    "stop": lambda d, u, a: svc.dossier_stop(
        dossier_id=d, actor=u, reason=a.reason, expected_version=a.expected_version),
}


@router.post("/dossiers/{dossier_id}/actions/{action}", response={200: StaffDossier, **ERRORS},
             summary="Take an action (receive, refuse, hand_over, approve, request_supplement, "
                     "supplement_received, request_payment, payment_received, withdraw, stop; "
                     "draft_result and the return take a file: their own endpoints)")
def act(request: HttpRequest, dossier_id: PathId, action: str, data: ActionIn) -> dict[str, Any]:
    dossier_scope_check(user=request.user, pk=dossier_id)  # 404 outside the user's scope
    run = ACTIONS.get(action)
    if run is None:
        raise ValidationFailed(_("Unknown action."))
    run(dossier_id, request.user, data)
    return _detail(request.user, dossier_id)


class DraftResultIn(InputSchema):
    expected_version: DbInt
    note: str = ""


@router.post("/dossiers/{dossier_id}/draft-result", response={200: StaffDossier, **ERRORS},
             summary="Attach the draft result (a PDF) for the leader to approve (multipart)")
def draft_result(request: HttpRequest, dossier_id: PathId, data: Form[DraftResultIn],
                 result: File[UploadedFile] = None) -> dict[str, Any]:  # type: ignore[assignment]
    dossier_scope_check(user=request.user, pk=dossier_id)
    svc.dossier_draft_result(dossier_id=dossier_id, actor=request.user, file=result,
                             note=data.note[:2000], expected_version=data.expected_version)
    return _detail(request.user, dossier_id)


class ReturnIn(InputSchema):
    expected_version: DbInt
    note: str = ""


@router.post("/dossiers/{dossier_id}/return", response={200: StaffDossier, **ERRORS},
             summary="Return the result to the applicant, with its electronic copy (multipart)")
def return_result(request: HttpRequest, dossier_id: PathId, data: Form[ReturnIn],
                  result: File[UploadedFile] = None) -> dict[str, Any]:  # type: ignore[assignment]
    dossier_scope_check(user=request.user, pk=dossier_id)
    svc.dossier_return_result(dossier_id=dossier_id, officer=request.user, result_file=result,
                              note=data.note[:2000], expected_version=data.expected_version)
    return _detail(request.user, dossier_id)
