"""Public endpoints: the catalog (with ETag) and the dossier status lookup."""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from onestop.catalog.models import ProcedureVersion
from onestop.catalog.selectors import procedure_page, procedure_search
from onestop.core.ratelimit import hit, lookup_key
from onestop.dossiers.selectors import public_status_lookup

from .base import ERRORS, InputSchema, decode_cursor, encode_cursor

router = Router(tags=["public"])

PAGE = 50


class FieldOut(Schema):
    code: str
    name: str


class ProcedureItem(Schema):
    code: str
    name: str
    field: FieldOut
    online_level: str
    processing_days: Decimal


class ProcedurePage(Schema):
    items: list[ProcedureItem]
    next: str | None


class RequiredDocumentOut(Schema):
    """A document the procedure asks for; `id` is what POST /dossiers takes in document_ids."""

    id: int
    name: str
    originals: int
    copies: int
    optional: bool
    # Filled in by the electronic form (POST /dossiers `declaration`) instead of a scan.
    electronic_form: bool


class DeclarationFieldOut(Schema):
    """One field of the procedure's electronic form (tờ khai điện tử); POST /dossiers takes
    the values in `declaration`, keyed by `key` (dates as YYYY-MM-DD)."""

    key: str
    section: str
    label: str
    kind: str
    required: bool
    help: str
    choices: list[str]
    prefill: str


class FeeOut(Schema):
    name: str
    amount: int
    kind: str
    note: str


class StepOut(Schema):
    order: int
    name: str
    allotment_days: Decimal


class ProcedureDetail(ProcedureItem):
    version: int
    result: str
    legal_basis: str
    conditions: str
    fee_note: str
    documents: list[RequiredDocumentOut]
    electronic_form: list[DeclarationFieldOut]
    fees: list[FeeOut]
    steps: list[StepOut]
    competent_agencies: list[str]


class CatalogFilters(InputSchema):
    q: str = ""
    field: str = ""
    online_level: str = ""
    cursor: str | None = None


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def _name(obj: object, attr: str = "name") -> str:
    english = getattr(obj, f"{attr}_en", "") if _english() else ""
    return str(english or getattr(obj, attr))


def _item(v: ProcedureVersion) -> dict[str, object]:
    return {"code": v.procedure.code, "name": _name(v),
            "field": {"code": v.field.code, "name": _name(v.field)},
            "online_level": v.online_level, "processing_days": v.processing_days}


def _etagged(request: HttpRequest, payload: dict[str, object]) -> HttpResponse:
    """JSON with a strong ETag of the body; 304 when the app already has this body."""
    body = json.dumps(payload, ensure_ascii=False, default=str, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=60", "Vary": "Accept-Language"}
    wanted = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
    if etag in wanted or "*" in wanted:
        return HttpResponse(status=304, headers=headers)
    return HttpResponse(body, content_type="application/json; charset=utf-8", headers=headers)


@router.get("/procedures", response={200: ProcedurePage, 304: None, **ERRORS},
            summary="Search the catalog (accents and case ignored)")
def procedures(request: HttpRequest, filters: Query[CatalogFilters]) -> HttpResponse:
    if filters.online_level and filters.online_level not in ProcedureVersion.OnlineLevel.values:
        raise HttpError(400, "online_level")
    offset = decode_cursor(filters.cursor, key="o") or 0
    rows = list(procedure_search(query=filters.q[:200], field_code=filters.field[:40],
                                 online_level=filters.online_level)[offset:offset + PAGE + 1])
    more = len(rows) > PAGE
    payload: dict[str, object] = {"items": [_item(v) for v in rows[:PAGE]],
               "next": encode_cursor({"o": offset + PAGE}) if more else None}
    return _etagged(request, payload)


@router.get("/procedures/{code}", response={200: ProcedureDetail, 304: None, **ERRORS},
            summary="One procedure in force, with documents, fees and steps")
def procedure(request: HttpRequest, code: str) -> HttpResponse:
    try:
        v = procedure_page(code=code[:32])
    except ProcedureVersion.DoesNotExist as exc:
        raise Http404 from exc
    payload = {
        **_item(v), "version": v.number, "result": v.result_type, "legal_basis": v.legal_basis,
        "conditions": v.conditions, "fee_note": v.fee_note,
        "documents": [{"id": d.pk, "name": _name(d), "originals": d.originals, "copies": d.copies,
                       "optional": d.optional, "electronic_form": d.electronic_form}
                      for d in v.documents.all()],
        "electronic_form": [
            {"key": f.key, "section": _name(f, "section"), "label": _name(f, "label"),
             "kind": f.kind, "required": f.required, "help": _name(f, "help_text"),
             "choices": f.choice_list(),
             "prefill": f.prefill} for f in v.declaration_fields.all()],
        "fees": [{"name": f.name, "amount": f.amount, "kind": f.kind, "note": f.note}
                 for f in v.fees.all()],
        "steps": [{"order": s.order, "name": _name(s), "allotment_days": s.allotment_days}
                  for s in v.steps.all()],
        "competent_agencies": [_name(a) for a in v.competent_agencies.all()],
    }
    return _etagged(request, payload)


class LookupEvent(Schema):
    at: datetime.datetime
    label: str
    status: str


class LookupOut(Schema):
    code: str
    procedure: str
    status_code: int
    status: str
    received_at: datetime.datetime | None
    appointment_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    timeline: list[LookupEvent]


class LookupIn(InputSchema):
    code: str
    factor: str


def _lookup(request: HttpRequest, data: LookupIn) -> Any:
    # The same key as the lookup page's: one allowance per address for both.
    hit(key=lookup_key(request, scope="lookup"), limit=settings.ONESTOP_LOOKUP_RATE_LIMIT,
        window_seconds=settings.ONESTOP_LOOKUP_RATE_WINDOW)
    result = public_status_lookup(code=data.code[:40], factor=data.factor[:8])
    if result is None:  # unknown code and wrong factor: the very same answer
        raise Http404
    return result


@router.post("/lookup", response={200: LookupOut, **ERRORS},
             summary="Public status of a dossier: its code and the last 4 digits of the "
                     "applicant's phone or CCCD, in the body")
def lookup_post(request: HttpRequest, data: LookupIn) -> dict[str, object]:
    return _answer(_lookup(request, data))


@router.get("/lookup", response={200: LookupOut, **ERRORS}, deprecated=True,
            summary="Public status of a dossier (deprecated: the digits travel in the query "
                    "string, into logs; use POST /lookup)")
def lookup(request: HttpRequest, params: Query[LookupIn]) -> dict[str, object]:
    return _answer(_lookup(request, params))


def _answer(result: Any) -> dict[str, object]:
    return {
        "code": result.code, "procedure": result.procedure_name,
        "status_code": result.status_code, "status": result.status,
        "received_at": result.received_at, "appointment_at": result.appointment_at,
        "returned_at": result.returned_at,
        "timeline": [{"at": e.at, "label": e.label, "status": e.to_status}
                     for e in result.timeline],
    }
