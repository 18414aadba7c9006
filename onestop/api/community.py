"""/api/v1/community/: household visits of community digital teams, and coverage.

Team members sign in at POST /api/v1/auth/staff/token. A visit carries a `client_id` made on
the phone: the first send answers 201, the same body again 200 with the same visit, the same
id with a different body 409, a commune outside the member's team 403. A batch stores each
visit on its own, so one refused visit loses nothing of the others.
"""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from django.conf import settings
from django.db import DataError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ValidationError

from onestop.agencies.models import AdministrativeUnit
from onestop.community.models import Visit
from onestop.community.selectors import commune_coverage, help_kinds, teams_of
from onestop.community.services import (
    VisitPayload,
    visit_correct,
    visit_follow_up_close,
    visit_record,
)
from onestop.core.errors import DomainError, NotFound, ValidationFailed

from .base import ERRORS, InputSchema, _code_of, _plain, staff_auth

router = Router(tags=["community"], auth=staff_auth)

class CommunityHelpKindOut(Schema):
    code: str
    label: str


class CommunityTeamOut(Schema):
    team_id: int
    commune_code: str
    commune: str
    hamlet: str
    name: str
    role: str


class CommunityVisitIn(InputSchema):
    client_id: uuid.UUID
    visited_at: datetime.datetime
    commune_code: str = Field(max_length=5)
    hamlet: str = Field(max_length=200)
    household: str = Field(max_length=200)
    helped: list[str] = Field(max_length=20)
    dossier_code: str = Field(default="", max_length=40)
    consent: bool
    note: str = Field(default="", max_length=2000)
    follow_up: str = Field(default="", max_length=500,
                           description="What is left to do for the household (optional).")


class CommunityVisitCorrectionIn(InputSchema):
    """The fields to correct (only those given change) and why. The commune, the consent and
    the id are not correctable: sending one is refused, naming it."""

    visited_at: datetime.datetime | None = None
    hamlet: str | None = Field(default=None, max_length=200)
    household: str | None = Field(default=None, max_length=200)
    helped: list[str] | None = Field(default=None, max_length=20)
    dossier_code: str | None = Field(default=None, max_length=40)
    note: str | None = Field(default=None, max_length=2000)
    follow_up: str | None = Field(default=None, max_length=500)
    reason: str = Field(default="", max_length=500)


class CommunityVisitOut(Schema):
    client_id: uuid.UUID
    visited_at: datetime.datetime
    commune_code: str
    hamlet: str
    household: str
    helped: list[str]
    dossier_code: str | None
    consent: bool
    note: str
    follow_up: str
    follow_up_closed_at: datetime.datetime | None
    member: str
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class CommunityVisitBatchIn(InputSchema):
    # Each item is read as a CommunityVisitIn on its own, so that one malformed visit is
    # refused alone instead of failing the whole batch.
    visits: list[dict[str, Any]] = Field(
        description="Visits, each with the fields of CommunityVisitIn.")


class CommunityBatchError(Schema):
    code: str
    message: str
    details: dict[str, Any] | list[Any] | None = None


class CommunityBatchItemOut(Schema):
    index: int
    client_id: str | None
    stored: bool
    status: int = Field(description="What the single POST would have answered: 201, 200, "
                                    "403, 409, 400 or 422.")
    visit: CommunityVisitOut | None
    error: CommunityBatchError | None


class CommunityBatchOut(Schema):
    stored: int
    refused: int
    results: list[CommunityBatchItemOut]


class CommunityCoverageIn(InputSchema):
    commune_code: str = Field(max_length=5)


class CommunityCoverageOut(Schema):
    commune_code: str
    commune: str
    households_visited: int
    households_registered: int | None
    visits: int
    helped: dict[str, int]


def _visit_out(visit: Visit) -> dict[str, Any]:
    return {
        "client_id": visit.client_id, "visited_at": visit.visited_at,
        "commune_code": visit.commune_id, "hamlet": visit.hamlet, "household": visit.household,
        "helped": list(visit.helped), "dossier_code": visit.dossier.code if visit.dossier else None,
        "consent": visit.consent, "note": visit.note, "follow_up": visit.follow_up,
        "follow_up_closed_at": visit.follow_up_closed_at,
        "member": visit.member.user.get_username(),
        "version": visit.version, "created_at": visit.created_at, "updated_at": visit.updated_at,
    }


def _payload(data: CommunityVisitIn) -> VisitPayload:
    return VisitPayload(
        client_id=data.client_id, visited_at=data.visited_at, commune_code=data.commune_code,
        hamlet=data.hamlet, household=data.household, helped=list(data.helped),
        consent=data.consent, dossier_code=data.dossier_code, note=data.note,
        follow_up=data.follow_up)


def _record(request: HttpRequest, data: CommunityVisitIn) -> tuple[int, dict[str, Any]]:
    result = visit_record(member=request.user, payload=_payload(data))
    visit = Visit.objects.select_related("member__user", "dossier").get(pk=result.visit.pk)
    return (201 if result.created else 200), _visit_out(visit)


@router.get("/help-kinds", response={200: list[CommunityHelpKindOut], **ERRORS},
            summary="The kinds of help a visit may record")
def community_help_kinds(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": code, "label": label} for code, label in help_kinds()]


@router.get("/teams", response={200: list[CommunityTeamOut], **ERRORS},
            summary="The signed-in member's teams (where they may log visits)")
def community_my_teams(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"team_id": m.team.pk, "commune_code": m.team.commune_id,
             "commune": m.team.commune.name, "hamlet": m.team.hamlet, "name": m.team.name,
             "role": m.role} for m in teams_of(user=request.user)]


@router.post("/visits", response={200: CommunityVisitOut, 201: CommunityVisitOut, **ERRORS},
             summary="Record a household visit (idempotent on client_id)")
def community_visit_create(request: HttpRequest, data: CommunityVisitIn
                           ) -> tuple[int, dict[str, Any]]:
    return _record(request, data)


@router.post("/visits/batch", response={200: CommunityBatchOut, **ERRORS},
             summary="Record several visits; each is stored or refused on its own")
def community_visit_batch(request: HttpRequest, data: CommunityVisitBatchIn) -> dict[str, Any]:
    if len(data.visits) > settings.ONESTOP_COMMUNITY_BATCH_MAX:
        raise ValidationFailed(_("A batch holds at most %(count)d visits."),
                               count=settings.ONESTOP_COMMUNITY_BATCH_MAX)
    results: list[dict[str, Any]] = []
    for index, raw in enumerate(data.visits):
        client_id = raw.get("client_id")
        item: dict[str, Any] = {"index": index,
                                "client_id": str(client_id)[:64] if client_id else None,
                                "stored": False, "visit": None, "error": None}
        try:
            visit_in = CommunityVisitIn.model_validate(raw)
            status, out = _record(request, visit_in)
            item.update(stored=True, status=status, visit=out, client_id=str(visit_in.client_id))
        except ValidationError as exc:
            item.update(status=422, error={
                "code": "validation_failed", "message": _("Some of the information is not valid."),
                "details": _plain(exc.errors(include_url=False, include_context=False))})
        except DataError:
            # A value the database cannot hold (a NUL character on PostgreSQL).
            item.update(status=422, error={
                "code": "validation_failed", "message": _("Some of the information is not valid."),
                "details": None})
        except DomainError as exc:
            item.update(status=exc.http_status,
                        error={"code": _code_of(exc), "message": str(exc), "details": None})
        results.append(item)
    stored = sum(1 for r in results if r["stored"])
    return {"stored": stored, "refused": len(results) - stored, "results": results}


@router.patch("/visits/{client_id}", response={200: CommunityVisitOut, **ERRORS},
              summary="Correct a stored visit (its author for a day, then the team leader)")
def community_visit_correct(request: HttpRequest, client_id: uuid.UUID,
                            data: CommunityVisitCorrectionIn) -> dict[str, Any]:
    changes: dict[str, Any] = {
        key: value for key, value in data.model_dump(exclude_unset=True, exclude={"reason"})
        .items() if value is not None}
    # Fields the schema does not know (consent, commune_code, …) go to the service, which
    # refuses them by name instead of ignoring them silently.
    raw = json.loads(request.body or b"{}")
    changes.update({key: raw[key] for key in raw
                    if key not in CommunityVisitCorrectionIn.model_fields})
    if not changes:
        raise ValidationFailed(_("Give at least one field to correct."))
    visit = visit_correct(actor=request.user, client_id=client_id, changes=changes,
                          reason=data.reason)
    visit = Visit.objects.select_related("member__user", "dossier").get(pk=visit.pk)
    return _visit_out(visit)


@router.post("/visits/{client_id}/follow-up/close",
             response={200: CommunityVisitOut, **ERRORS},
             summary="Mark a visit's follow-up done (a member of its team)")
def community_follow_up_close(request: HttpRequest, client_id: uuid.UUID) -> dict[str, Any]:
    visit = visit_follow_up_close(actor=request.user, client_id=client_id)
    visit = Visit.objects.select_related("member__user", "dossier").get(pk=visit.pk)
    return _visit_out(visit)


@router.get("/coverage", response={200: CommunityCoverageOut, **ERRORS},
            summary="Households reached against households registered in a commune")
def community_coverage(request: HttpRequest, params: Query[CommunityCoverageIn]
                       ) -> dict[str, Any]:
    commune = AdministrativeUnit.objects.filter(code=params.commune_code.strip()).first()
    if commune is None:
        raise NotFound()
    cov = commune_coverage(commune=commune)
    return {"commune_code": commune.code, "commune": commune.name,
            "households_visited": cov.households_visited,
            "households_registered": cov.households_registered, "visits": cov.visits,
            "helped": cov.helped}
