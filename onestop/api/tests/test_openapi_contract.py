"""The published OpenAPI document tells the truth about every operation.

Schema names are unique (two schemas of one name used to be merged, so a procedure's
documents were published with the fields of a dossier's documents); every operation, called
once with real data along a citizen's and an officer's journey, answers within its published
schema by schemathesis' own conformance checks; and request bodies that are not JSON objects
are refused everywhere.
"""

from __future__ import annotations

import datetime
import typing
import uuid
from collections import defaultdict
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from pydantic import BaseModel
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from onestop.accounts.models import User
from onestop.accounts.services import citizen_sign_up
from onestop.api.base import InputSchema, api
from onestop.api.tokens import tokens_issue
from onestop.dossiers import services as dsvc
from onestop.feedback.models import RatingCriterion
from onestop.notifications.models import Notification
from onestop.notifications.services import deliver_due
from onestop.testing import make_teams

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _operations() -> list[Any]:
    return [op for _prefix, router in api._routers
            for view in router.path_operations.values() for op in view.operations]


def _models(annotation: Any, seen: set[type]) -> None:
    """Every pydantic model reachable from an annotation (fields, lists, unions, …)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for info in annotation.model_fields.values():
            _models(info.annotation, seen)
        return
    for arg in typing.get_args(annotation):
        _models(arg, seen)


def _schemas(*, inputs: bool) -> set[type]:
    seen: set[type] = set()
    for op in _operations():
        if inputs:
            for model in op.models:
                _models(model, seen)
        else:
            for model in op.response_models.values():
                _models(model, seen)
    # ninja's own wrappers (path/query/body parameter models, the response wrapper) are not
    # published under their names.
    return {m for m in seen if m.__module__.startswith("onestop.")}


def test_every_schema_name_stands_for_one_schema():
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in _schemas(inputs=True) | _schemas(inputs=False):
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert clashes == {}
    published = set(api.get_openapi_schema()["components"]["schemas"])
    assert {"RequiredDocumentOut", "DossierDocumentOut"} <= published


def test_every_request_schema_accepts_json_objects_only():
    assert {m.__name__ for m in _schemas(inputs=True) if not issubclass(m, InputSchema)} == set()


def _json_body_operations() -> list[tuple[str, str]]:
    doc = api.get_openapi_schema()
    return [(method.upper(), path) for path, ops in doc["paths"].items()
            for method, op in ops.items()
            if "application/json" in op.get("requestBody", {}).get("content", {})]


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("body", ["[]", "[{}]", '"withdraw"', "5", "null", "true"])
def test_a_body_that_is_not_a_json_object_is_refused_everywhere(city, settings, body):
    settings.ONESTOP_API_AUTH_RATE_LIMIT = 0
    citizen = citizen_sign_up(full_name="Nguyễn Văn An", cccd="092090001234",
                              password="mat-khau-rat-dai-2026", phone="0912345678")
    d = dsvc.dossier_intake_at_counter(officer=city.officer,
                                       filing=city.filing(account=citizen))
    tokens = {"citizen": tokens_issue(user=citizen, audience="citizen").access_token,
              "staff": tokens_issue(user=city.officer, audience="staff").access_token}
    from onestop.guide.tests.conftest import make_guide_data

    traffic_key = make_guide_data()[3]  # POST /traffic/reports takes a source's X-Api-Key
    operations = _json_body_operations()
    assert ("POST", "/api/v1/dossiers/{dossier_id}/withdraw") in operations
    client = Client()
    answers = {}
    for method, path in operations:
        url = (path.replace("{dossier_id}", str(d.pk)).replace("{action}", "withdraw")
               .replace("{reference}", "OS0000000000")
               .replace("{client_id}", str(uuid.uuid4())))
        token = tokens["staff" if "/staff/" in path or "/community/" in path else "citizen"]
        r = client.generic(method, url, body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_IDEMPOTENCY_KEY="k-1",
                           HTTP_X_API_KEY=traffic_key)
        answers[(method, path)] = (r.status_code, r.json().get("code"))
    assert set(answers.values()) == {(422, "validation_failed")}, answers
    d.refresh_from_db()
    assert d.status == 2  # still received: nothing was withdrawn


# ---- every operation, once with real data ------------------------------------------------

@pytest.fixture
def _wsgi_keeps_the_test_connection():
    # The WSGI handler closes the connection after each request, as in production; the
    # test's transaction lives on it (see test_schemathesis.py).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


class Caller:
    """Calls an operation through schemathesis and validates the answer against the schema;
    remembers which operations answered with a success."""

    def __init__(self) -> None:
        self.succeeded: set[tuple[str, str]] = set()

    def __call__(self, method: str, path: str, *, token: str = "", path_parameters:
                 dict[str, Any] | None = None, query: dict[str, Any] | None = None,
                 body: Any = None, media_type: str | None = None,
                 headers: dict[str, str] | None = None) -> Any:
        operation = schema[f"/api/v1{path}"][method]
        kwargs: dict[str, Any] = {"path_parameters": path_parameters or {}, "query": query}
        if body is not None:
            kwargs["body"] = body
            kwargs["media_type"] = media_type or "application/json"
        case = operation.Case(**kwargs)
        all_headers = {**(headers or {})}
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        response = case.call(headers=all_headers)
        case.validate_response(response, checks=CHECKS)
        assert 200 <= response.status_code < 300, (method, path, response.content[:500])
        self.succeeded.add((method.upper(), f"/api/v1{path}"))
        if not response.content:
            return None
        if "json" not in response.headers.get("content-type", [""])[0]:
            return response.content
        return response.json()


def test_every_operation_answers_within_its_published_schema(city, settings, tmp_path,
                                                             _wsgi_keeps_the_test_connection):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ONESTOP_PAYMENT_SANDBOX = True
    settings.PUBLIC_BASE_URL = "http://testserver"
    call = Caller()
    code = city.version.procedure.code

    call("GET", "/procedures", query={"q": "khai sinh"})
    procedure = call("GET", "/procedures/{code}", path_parameters={"code": code})
    pair = call("POST", "/auth/signup", body={
        "full_name": "Nguyễn Văn An", "cccd": "092090001234", "phone": "0912345678",
        "email": "an@example.vn", "password": "mat-khau-rat-dai-2026"})
    call("POST", "/auth/token", body={"login": "0912345678",
                                      "password": "mat-khau-rat-dai-2026"})
    pair = call("POST", "/auth/refresh", body={"refresh_token": pair["refresh_token"]})
    citizen = pair["access_token"]
    officer = call("POST", "/auth/staff/token",
                   body={"login": "officer", "password": "test-pass-123"})["access_token"]
    call("GET", "/me", token=citizen)

    # The documents of the procedure page carry the ids POST /dossiers takes.
    required = [doc for doc in procedure["documents"] if not doc["optional"]]
    filed = call("POST", "/dossiers", token=citizen, media_type="multipart/form-data", body={
        "procedure_code": code, "centre_code": city.centre.code,
        "document_ids": [doc["id"] for doc in required],
        "files": [PDF for _doc in required]})
    pk = filed["id"]
    business = call("POST", "/me/businesses", token=citizen, body={
        "name": "Công ty TNHH Gạo Sạch Cần Thơ", "tax_code": "1801234567",
        "head_office": "12 Đường 30/4, phường Ninh Kiều", "representative": "Nguyễn Văn An"})
    call("GET", "/me/businesses", token=citizen)
    call("POST", "/dossiers", token=citizen, media_type="multipart/form-data", body={
        "procedure_code": code, "centre_code": city.centre.code,
        "business_id": business["id"], "document_ids": [doc["id"] for doc in required],
        "files": [PDF for _doc in required]})
    call("DELETE", "/me/businesses/{business_id}", token=citizen,
         path_parameters={"business_id": business["id"]})
    call("GET", "/dossiers", token=citizen)
    call("GET", "/staff/queue", token=officer)
    staff_view = call("GET", "/staff/dossiers/{dossier_id}", token=officer,
                      path_parameters={"dossier_id": pk})
    received = call("POST", "/staff/dossiers/{dossier_id}/actions/{action}", token=officer,
                    path_parameters={"dossier_id": pk, "action": "receive"},
                    body={"expected_version": staff_view["version"]})
    asked = call("POST", "/staff/dossiers/{dossier_id}/actions/{action}", token=officer,
                 path_parameters={"dossier_id": pk, "action": "request_supplement"},
                 body={"expected_version": received["version"], "reason": "Thiếu bản sao",
                       "items": "Bản sao CCCD"})
    supplemented = call("POST", "/dossiers/{dossier_id}/supplement", token=citizen,
                        path_parameters={"dossier_id": pk}, media_type="multipart/form-data",
                        body={"document_ids": [required[0]["id"]], "files": [PDF],
                              "expected_version": asked["version"]})
    mine = call("GET", "/dossiers/{dossier_id}", token=citizen, path_parameters={"dossier_id": pk})
    call("GET", "/dossiers/{dossier_id}/documents/{document_id}", token=citizen,
         path_parameters={"dossier_id": pk, "document_id": mine["documents"][0]["id"]})
    dossier = dsvc.dossier_hand_over(dossier_id=pk, actor=city.officer,
                                     expected_version=supplemented["version"])
    specialist = call("POST", "/auth/staff/token",
                      body={"login": city.specialist.username,
                            "password": "test-pass-123"})["access_token"]
    drafted = call("POST", "/staff/dossiers/{dossier_id}/draft-result", token=specialist,
                   path_parameters={"dossier_id": pk}, media_type="multipart/form-data",
                   body={"expected_version": dossier.version, "result": PDF})
    assert "draft_result" in drafted["actions"]
    dossier = dsvc.dossier_hand_over(dossier_id=pk, actor=city.specialist,
                                     expected_version=drafted["version"])
    dossier = dsvc.dossier_approve(dossier_id=pk, actor=city.leader,
                                   expected_version=dossier.version)
    call("POST", "/staff/dossiers/{dossier_id}/return", token=officer,
         path_parameters={"dossier_id": pk}, media_type="multipart/form-data",
         body={"expected_version": dossier.version, "result": PDF})
    call("POST", "/dossiers/{dossier_id}/rating", token=citizen,
         path_parameters={"dossier_id": pk},
         body={"scores": {c.code: 5 for c in RatingCriterion.objects.filter(active=True)}})
    call("POST", "/feedback", token=citizen,
         body={"subject": "Góp ý", "content": "Nhanh gọn", "dossier_id": pk})

    # A second dossier: received at the counter, it owes its fee, then it is withdrawn.
    user = User.objects.get(phone="0912345678")
    second = dsvc.dossier_intake_at_counter(officer=city.officer,
                                            filing=city.filing(account=user))
    payment = call("POST", "/dossiers/{dossier_id}/payments", token=citizen,
                   path_parameters={"dossier_id": second.pk}, body={"provider": "vietqr"},
                   headers={"Idempotency-Key": "contract-1"})
    call("GET", "/payments/{reference}", token=citizen,
         path_parameters={"reference": payment["reference"]})
    call("GET", "/payments/{reference}/qr", token=citizen,
         path_parameters={"reference": payment["reference"]})
    call("GET", "/lookup", query={"code": second.code, "factor": "5678"})
    call("POST", "/lookup", body={"code": second.code, "factor": "5678"})
    import weasyprint  # a readable PDF without a signature: answered, not refused

    call("POST", "/signatures/verify", media_type="multipart/form-data",
         body={"file": weasyprint.HTML(string="<p>Kết quả</p>").write_pdf()})
    call("GET", "/signatures/verify", query={"code": second.code})
    call("POST", "/dossiers/{dossier_id}/withdraw", token=citizen,
         path_parameters={"dossier_id": second.pk}, body={"reason": "Nộp nhầm"})

    deliver_due()
    note = Notification.objects.filter(user=user).first()
    assert note is not None
    call("GET", "/notifications", token=citizen)
    call("POST", "/notifications/{notification_id}/read", token=citizen,
         path_parameters={"notification_id": note.pk})
    call("POST", "/notifications/read-all", token=citizen)
    prefs = call("GET", "/notification-preferences", token=citizen)
    call("PUT", "/notification-preferences", token=citizen, body={**prefs, "sms": True})
    device = call("POST", "/devices", token=citizen, body={
        "endpoint": "https://push.example.vn/sub/1", "p256dh": "BPk", "auth": "c2VjcmV0"})
    call("DELETE", "/devices/{device_id}", token=citizen,
         path_parameters={"device_id": device["id"]})
    # A draft saved in the portal: listed and deleted through the API.
    saved = dsvc.filing_draft_save(owner=User.objects.get(phone="0912345678"),
                                   procedure=city.version.procedure,
                                   data={"applicant": None, "files": {},
                                         "procedure_name": city.version.name})
    listed = call("GET", "/drafts", token=citizen)
    assert [d["id"] for d in listed] == [saved.pk]
    call("DELETE", "/drafts/{draft_id}", token=citizen, path_parameters={"draft_id": saved.pk})
    call("POST", "/auth/logout", token=citizen)

    # Community digital teams: a team member of Ninh Kiều logs visits and reads coverage.
    make_teams()
    member = call("POST", "/auth/staff/token",
                  body={"login": "to.vien", "password": "test-pass-123"})["access_token"]
    kinds = call("GET", "/community/help-kinds", token=member)
    call("GET", "/community/teams", token=member)
    visit = {"client_id": str(uuid.uuid4()), "visited_at": "2026-01-05T09:00:00+07:00",
             "commune_code": "31135", "hamlet": "Khu vực 1", "household": "12 Hai Bà Trưng",
             "helped": [kinds[0]["code"]], "consent": True, "note": ""}
    call("POST", "/community/visits", token=member, body=visit)
    call("POST", "/community/visits/batch", token=member,
         body={"visits": [visit, {**visit, "client_id": str(uuid.uuid4())}]})
    call("PATCH", "/community/visits/{client_id}", token=member,
         path_parameters={"client_id": visit["client_id"]},
         body={"note": "bổ sung", "reason": "quên ghi chú", "follow_up": "quay lại tuần sau"})
    call("POST", "/community/visits/{client_id}/follow-up/close", token=member,
         path_parameters={"client_id": visit["client_id"]})
    call("GET", "/community/coverage", token=member, query={"commune_code": "31135"})

    # The city guide: a place, an OCOP product, a road segment and a source's report.
    from onestop.guide.tests.conftest import make_guide_data

    place_id, product_id, segment_code, traffic_key = make_guide_data()
    call("GET", "/places", query={"q": "ninh kieu"})
    call("GET", "/places", query={"near": "10.0341,105.7880", "radius_m": 500})
    call("GET", "/places/{place_id}", path_parameters={"place_id": place_id})
    call("GET", "/ocop/products", query={"stars": 4})
    call("GET", "/ocop/products/{product_id}", path_parameters={"product_id": product_id})
    moment = timezone.now()
    call("POST", "/traffic/reports", headers={"X-Api-Key": traffic_key}, body={
        "segment": segment_code, "kind": "flooding", "level": "congested",
        "reported_at": moment.isoformat(),
        "valid_until": (moment + datetime.timedelta(hours=1)).isoformat()})
    call("GET", "/traffic/segments")
    call("POST", "/traffic/citizen-reports", media_type="multipart/form-data", body={
        "kind": "flooding", "lat": "10.0335", "lon": "105.786", "description": "Ngập",
        "photo": _png()})
    call("GET", "/traffic/segments/{code}", path_parameters={"code": segment_code})

    published = {(method.upper(), path) for path, ops in
                 api.get_openapi_schema()["paths"].items() for method in ops}
    assert published - call.succeeded == set()
