"""Citizen endpoints: own dossiers (file, read, supplement, withdraw, result, rate),
the drafts saved in the portal (list, delete), feedback, notifications, channel preferences
and push devices.

Scope: onestop.dossiers.selectors.my_dossier(s) (onestop.dossiers.scopes.citizen_scope),
the same rule as the portal pages: a dossier of someone else answers 404, exactly like one
that does not exist.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.errors import HttpError

from onestop.accounts import businesses as biz
from onestop.accounts.businesses import businesses_of
from onestop.agencies.models import Agency
from onestop.catalog.models import ProcedureVersion
from onestop.catalog.selectors import receiving_centres, version_in_force
from onestop.core.errors import ValidationFailed
from onestop.core.uploads import stored_file_response
from onestop.dossiers import services as svc
from onestop.dossiers.models import Status
from onestop.dossiers.selectors import (
    citizen_timeline,
    my_document,
    my_dossier,
    my_dossiers,
    my_filing_drafts,
    signed_by_file,
)
from onestop.notifications import selectors as nsel
from onestop.notifications import services as nsvc

from .base import ERRORS, DbInt, InputSchema, PathId, citizen_auth, decode_cursor, encode_cursor

router = Router(tags=["citizen"], auth=citizen_auth)
PAGE = 20


class Me(Schema):
    id: int
    full_name: str
    cccd: str
    phone: str
    email: str


@router.get("/me", response={200: Me, **ERRORS})
def me(request: HttpRequest) -> dict[str, Any]:
    u: Any = request.user
    return {"id": u.pk, "full_name": u.full_name, "cccd": u.cccd, "phone": u.phone,
            "email": u.email}


class BusinessIn(InputSchema):
    name: str
    tax_code: str
    head_office: str
    representative: str
    # "representative" (the account holder is the legal representative) or "authorised"
    # (they file with an authorisation, named in `authorisation`).
    holder: str = "representative"
    authorisation: str = ""
    phone: str = ""
    email: str = ""


class BusinessOut(Schema):
    id: int
    name: str
    tax_code: str
    head_office: str
    representative: str
    holder: str
    authorisation: str
    phone: str
    email: str


@router.get("/me/businesses", response={200: list[BusinessOut], **ERRORS},
            summary="The businesses I file for")
def my_businesses(request: HttpRequest) -> Any:
    return list(businesses_of(request.user))  # type: ignore[arg-type]


@router.post("/me/businesses", response={201: BusinessOut, **ERRORS},
             summary="Register a business I file for (as its representative or authorised)")
def business_register(request: HttpRequest, data: BusinessIn) -> tuple[int, Any]:
    fields = data.dict()
    if any(len(str(v)) > 300 for v in fields.values()):
        raise ValidationFailed(_("A value is too long (300 characters at most)."))
    return 201, biz.business_register(account=request.user,  # type: ignore[arg-type]
                                      details=biz.BusinessDetails(**fields))


@router.delete("/me/businesses/{business_id}", response={204: None, **ERRORS},
               summary="Stop filing for a business (its dossiers stay)")
def business_remove(request: HttpRequest, business_id: PathId) -> tuple[int, None]:
    biz.business_remove(account=request.user, pk=business_id)  # type: ignore[arg-type]
    return 204, None


class DossierItem(Schema):
    id: int
    code: str | None
    procedure_code: str
    procedure: str
    status_code: int
    status: str
    submitted_at: datetime.datetime
    appointment_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    version: int


class DossierPage(Schema):
    items: list[DossierItem]
    next: str | None


class EventOut(Schema):
    at: datetime.datetime
    label: str
    status: str
    reason: str


class DossierDocumentOut(Schema):
    id: int
    kind: str
    name: str
    has_file: bool
    # A digitally signed PDF (the result): who signed it, when, and the SHA-256 of the file
    # (the one in the audit log); null for other documents.
    signed_by: str | None = None
    signed_at: datetime.datetime | None = None
    sha256: str | None = None


class SupplementOut(Schema):
    requested_at: datetime.datetime
    reason: str
    items: str
    resolved_at: datetime.datetime | None


class DossierDetail(DossierItem):
    receiving_centre: str
    timeline: list[EventOut]
    documents: list[DossierDocumentOut]
    supplements: list[SupplementOut]


def _item(d: Any) -> dict[str, Any]:
    return {"id": d.pk, "code": d.code, "procedure_code": d.procedure_version.procedure.code,
            "procedure": d.procedure_version.name, "status_code": d.status,
            "status": str(Status(d.status).label), "submitted_at": d.submitted_at,
            "appointment_at": d.appointment_at, "returned_at": d.returned_at,
            "version": getattr(d, "version", 0)}


def _document(doc: Any, signed: dict[int, Any]) -> dict[str, Any]:
    signature = signed.get(doc.pk)
    return {"id": doc.pk, "kind": doc.kind, "name": doc.name, "has_file": bool(doc.file),
            "signed_by": signature.signer_name if signature else None,
            "signed_at": signature.signed_at if signature else None,
            "sha256": signature.sha256 if signature else None}


def _detail(d: Any) -> dict[str, Any]:
    documents = list(d.documents.all())
    signed = signed_by_file(documents)
    return {
        **_item(d), "receiving_centre": d.receiving_agency.name,
        "timeline": [{"at": e.at, "label": e.label, "status": e.status, "reason": e.reason}
                     for e in citizen_timeline(dossier=d)],
        "documents": [_document(doc, signed) for doc in documents],
        "supplements": [{"requested_at": s.requested_at, "reason": s.reason, "items": s.items,
                         "resolved_at": s.resolved_at} for s in d.supplements.all()],
    }


class PageIn(InputSchema):
    cursor: str | None = None


@router.get("/dossiers", response={200: DossierPage, **ERRORS}, summary="My dossiers")
def dossiers(request: HttpRequest, page: Query[PageIn]) -> dict[str, Any]:
    before = decode_cursor(page.cursor, key="id")
    qs = my_dossiers(user=request.user).order_by("-id")
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs.only("id", "code", "status", "submitted_at", "appointment_at",
                        "returned_at", "version", "procedure_version__id",
                        "procedure_version__name", "procedure_version__procedure__id",
                        "procedure_version__procedure__code", "current_step__id",
                        "current_step__order", "current_step__name")[:PAGE + 1])
    more = len(rows) > PAGE
    return {"items": [_item(d) for d in rows[:PAGE]],
            "next": encode_cursor({"id": rows[PAGE - 1].pk}) if more else None}


@router.get("/dossiers/{dossier_id}", response={200: DossierDetail, **ERRORS},
            summary="One of my dossiers with its timeline")
def dossier(request: HttpRequest, dossier_id: PathId) -> dict[str, Any]:
    return _detail(my_dossier(user=request.user, pk=dossier_id))


class FilingIn(InputSchema):
    procedure_code: str
    centre_code: str = ""
    # The competent agency when the procedure has several (a commune-level procedure: the
    # commune concerned). Without it an ambiguous filing is refused with the choices listed
    # (error `competent_agency_needed`, details.choices): the platform never guesses.
    competent_agency_code: str = ""
    note: str = ""
    address: str = ""
    # File for one of my businesses (GET /me/businesses): the dossier names the organisation,
    # filed through me.
    business_id: DbInt | None = None
    # document_ids[i] is the required document that files[i] is for.
    document_ids: list[DbInt] = []
    # The electronic form (GET /procedures/{code} `electronic_form`) as a JSON object of
    # {key: value}, instead of a scan of the declaration; empty: no form.
    declaration: str = ""


def _declaration(text: str) -> dict[str, Any] | None:
    if not text.strip():
        return None
    try:
        value = json.loads(text[:100_000])
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ValidationFailed(_("The declaration must be a JSON object of field keys and "
                                 "values."))
    return value


def _files(files: list[UploadedFile], ids: list[int]) -> list[svc.SubmittedDocument]:
    if len(files) != len(ids):
        raise ValidationFailed(_("Give one document id for each file."))
    # Types, sizes, counts and which documents belong: the services' rules.
    return [svc.SubmittedDocument(required_document_id=doc_id, name=upload.name or "",
                                  file=upload) for upload, doc_id in zip(files, ids, strict=True)]


def _competent(version: ProcedureVersion, code: str) -> Agency | None:
    if not code:
        return None
    agency = next((a for a in version.competent_agencies.all() if a.code == code[:64]), None)
    if agency is None:
        raise ValidationFailed(_("%(code)s is not competent for this procedure."), code=code[:64])
    return agency


@router.post("/dossiers", response={201: DossierDetail, **ERRORS},
             summary="File a dossier online with its documents (multipart)")
def file_dossier(request: HttpRequest, data: Form[FilingIn],
                 files: File[list[UploadedFile]] = None) -> tuple[int, dict[str, Any]]:  # type: ignore[assignment]
    u: Any = request.user
    try:
        version = version_in_force(procedure_code=data.procedure_code[:32])
    except ProcedureVersion.DoesNotExist as exc:
        raise Http404 from exc
    centres = {c.code: c for c in receiving_centres()}
    centre = centres.get(data.centre_code) if data.centre_code else next(iter(centres.values()),
                                                                           None)
    if centre is None:
        raise ValidationFailed(_("Choose a receiving centre."))
    filing = svc.Filing(
        procedure_version=version, receiving_agency=centre,
        applicant=(svc.business_applicant(biz.business_of(u, data.business_id),
                                          filer_name=u.full_name or u.username,
                                          filer_id_number=u.cccd, phone=u.phone, email=u.email)
                   if data.business_id else
                   svc.Applicant(name=u.full_name or u.username, id_number=u.cccd,
                                 phone=u.phone, email=u.email, address=data.address[:300],
                                 account=u)),
        documents=_files(list(files or []), data.document_ids), note=data.note[:2000],
        handling_agency=_competent(version, data.competent_agency_code),
        declaration=_declaration(data.declaration),
    )
    d = svc.dossier_submit_online(filing=filing)
    return 201, _detail(my_dossier(user=u, pk=d.pk))


class FilingDraftOut(Schema):
    id: int
    procedure_code: str
    procedure_name: str
    files: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


@router.get("/drafts", response={200: list[FilingDraftOut], **ERRORS},
            summary="My saved drafts of online filings (started in the portal)")
def drafts(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": d.pk, "procedure_code": d.procedure.code,
             "procedure_name": str(d.data.get("procedure_name", "")), "files": d.file_count(),
             "created_at": d.created_at, "updated_at": d.updated_at}
            for d in my_filing_drafts(user=request.user)]


@router.delete("/drafts/{draft_id}", response={204: None, **ERRORS},
               summary="Delete one of my saved drafts and its files")
def delete_draft(request: HttpRequest, draft_id: PathId) -> tuple[int, None]:
    svc.filing_draft_delete(owner=request.user, draft_id=draft_id)
    return 204, None


class SupplementIn(InputSchema):
    note: str = ""
    document_ids: list[DbInt] = []
    expected_version: DbInt | None = None


@router.post("/dossiers/{dossier_id}/supplement", response={200: DossierDetail, **ERRORS},
             summary="Answer the open supplement request with the missing documents")
def supplement(request: HttpRequest, dossier_id: PathId, data: Form[SupplementIn],
               files: File[list[UploadedFile]] = None) -> dict[str, Any]:  # type: ignore[assignment]
    d = my_dossier(user=request.user, pk=dossier_id)
    docs = _files(list(files or []), data.document_ids)
    svc.dossier_supplement_received(dossier_id=d.pk, actor=request.user, documents=docs,
                                    note=data.note[:2000],
                                    expected_version=data.expected_version)
    return _detail(my_dossier(user=request.user, pk=d.pk))


class WithdrawIn(InputSchema):
    reason: str = ""
    expected_version: DbInt | None = None


@router.post("/dossiers/{dossier_id}/withdraw", response={200: DossierDetail, **ERRORS},
             summary="Withdraw my dossier")
def withdraw(request: HttpRequest, dossier_id: PathId, data: WithdrawIn) -> dict[str, Any]:
    d = my_dossier(user=request.user, pk=dossier_id)
    svc.dossier_withdraw(dossier_id=d.pk, actor=request.user, reason=data.reason[:2000],
                         expected_version=data.expected_version)
    return _detail(my_dossier(user=request.user, pk=d.pk))


@router.get("/dossiers/{dossier_id}/documents/{document_id}", response={200: None, **ERRORS},
            summary="Download a file of my dossier (the result once returned)")
def document(request: HttpRequest, dossier_id: PathId, document_id: PathId) -> FileResponse:
    doc = my_document(user=request.user, dossier_pk=dossier_id, doc_pk=document_id)
    return stored_file_response(doc.file)


class RatingIn(InputSchema):
    scores: dict[str, DbInt]
    comment: str = ""


class RatingOut(Schema):
    id: int


@router.post("/dossiers/{dossier_id}/rating", response={201: RatingOut, **ERRORS},
             summary="Rate the service once the result is returned")
def rate(request: HttpRequest, dossier_id: PathId, data: RatingIn) -> tuple[int, dict[str, Any]]:
    from onestop.feedback.services import rating_submit

    d = my_dossier(user=request.user, pk=dossier_id)
    rating = rating_submit(dossier_id=d.pk, citizen=request.user, scores=data.scores,
                           comment=data.comment[:4000])
    return 201, {"id": rating.pk}


class FeedbackIn(InputSchema):
    subject: str
    content: str
    consent_publish: bool = False
    procedure_code: str = ""
    dossier_id: DbInt | None = None


class FeedbackOut(Schema):
    code: str
    state: str


@router.post("/feedback", response={201: FeedbackOut, **ERRORS},
             summary="Send feedback (PAKN) about a procedure or one of my dossiers")
def feedback(request: HttpRequest, data: FeedbackIn) -> tuple[int, dict[str, Any]]:
    from onestop.feedback.services import feedback_submit

    u: Any = request.user
    code, factor = "", ""
    if data.dossier_id is not None:
        d = my_dossier(user=u, pk=data.dossier_id)
        code = d.code or ""
        factor = (d.applicant_phone or d.applicant_id_number)[-4:]
    fb = feedback_submit(sender_name=u.full_name or u.username, contact=u.email or u.phone,
                         subject=data.subject[:300], content=data.content[:10000],
                         consent_publish=data.consent_publish,
                         procedure_code=data.procedure_code[:32], dossier_code=code,
                         dossier_factor=factor, sender=u)
    return 201, {"code": fb.code, "state": fb.state}


# ---- notifications --------------------------------------------------------------------------

class NotificationOut(Schema):
    id: int
    event: str
    title: str
    body: str
    link: str
    dossier_id: int | None
    created_at: datetime.datetime
    read: bool


class NotificationPage(Schema):
    items: list[NotificationOut]
    unread: int
    next: str | None


@router.get("/notifications", response={200: NotificationPage, **ERRORS},
            summary="My in-app notifications, newest first")
def notifications(request: HttpRequest, page: Query[PageIn]) -> dict[str, Any]:
    before = decode_cursor(page.cursor, key="id")
    qs = nsel.notifications_for(user=request.user)
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs[:PAGE + 1])
    more = len(rows) > PAGE
    return {"items": [{"id": n.pk, "event": n.event, "title": n.title, "body": n.body,
                       "link": n.link, "dossier_id": n.dossier_id, "created_at": n.created_at,
                       "read": n.read_at is not None} for n in rows[:PAGE]],
            "unread": nsel.unread_count(user=request.user),
            "next": encode_cursor({"id": rows[PAGE - 1].pk}) if more else None}


class Marked(Schema):
    marked: int


@router.post("/notifications/{notification_id}/read", response={200: Marked, **ERRORS})
def mark_read(request: HttpRequest, notification_id: PathId) -> dict[str, int]:
    if not nsel.notifications_for(user=request.user).filter(pk=notification_id).exists():
        raise Http404
    return {"marked": nsvc.notification_mark_read(user=request.user,
                                                  notification_id=notification_id)}


@router.post("/notifications/read-all", response={200: Marked, **ERRORS})
def mark_all_read(request: HttpRequest) -> dict[str, int]:
    return {"marked": nsvc.notification_mark_read(user=request.user)}


class PreferencesIn(InputSchema):
    email: bool
    sms: bool
    in_app: bool
    push: bool
    language: str


class Preferences(Schema):
    email: bool
    sms: bool
    in_app: bool
    push: bool
    language: str


@router.get("/notification-preferences", response={200: Preferences, **ERRORS})
def preferences(request: HttpRequest) -> Any:
    return nsvc.preference_of(request.user)


@router.put("/notification-preferences", response={200: Preferences, **ERRORS})
def set_preferences(request: HttpRequest, data: PreferencesIn) -> Any:
    return nsvc.preference_update(user=request.user, email=data.email, sms=data.sms,
                                  in_app=data.in_app, push=data.push,
                                  language=data.language[:8])


class DeviceIn(InputSchema):
    endpoint: str
    p256dh: str
    auth: str
    label: str = ""


class DeviceOut(Schema):
    id: int
    label: str
    created_at: datetime.datetime


@router.post("/devices", response={201: DeviceOut, **ERRORS},
             summary="Register this app's Web Push subscription")
def register_device(request: HttpRequest, data: DeviceIn) -> tuple[int, Any]:
    if len(data.endpoint) > 1000 or len(data.p256dh) > 200 or len(data.auth) > 100:
        raise HttpError(400, _("The push subscription is too long."))
    sub = nsvc.push_subscription_register(user=request.user, endpoint=data.endpoint,
                                          p256dh=data.p256dh, auth=data.auth,
                                          label=data.label)
    return 201, sub


@router.delete("/devices/{device_id}", response={204: None, **ERRORS})
def remove_device(request: HttpRequest, device_id: PathId) -> tuple[int, None]:
    if not nsvc.push_subscription_remove(user=request.user, subscription_id=device_id):
        raise Http404
    return 204, None
