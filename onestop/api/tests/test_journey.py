"""The portal's whole citizen journey driven through the JSON API alone, and its scope rules."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onestop.dossiers.models import Status
from onestop.feedback.models import RatingCriterion
from onestop.notifications.models import Delivery

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def signup(client: Client, *, phone: str = "0912345678", cccd: str = "092090001234",
           email: str = "an@example.vn") -> str:
    r = client.post("/api/v1/auth/signup", {
        "full_name": "Nguyễn Văn An", "cccd": cccd, "phone": phone, "email": email,
        "password": "mat-khau-rat-dai-2026"}, content_type="application/json")
    assert r.status_code == 201, r.content
    return r.json()["access_token"]


def staff_token(client: Client, username: str) -> str:
    r = client.post("/api/v1/auth/staff/token", {"login": username, "password": "test-pass-123"},
                    content_type="application/json")
    assert r.status_code == 200, r.content
    return r.json()["access_token"]


def file_dossier(client: Client, city: Any, token: str) -> dict[str, Any]:
    docs = list(city.version.documents.filter(optional=False))
    r = client.post("/api/v1/dossiers", {
        "procedure_code": city.version.procedure.code, "centre_code": city.centre.code,
        "document_ids": [d.pk for d in docs],
        "files": [SimpleUploadedFile(f"doc{d.pk}.pdf", PDF, "application/pdf") for d in docs],
    }, **bearer(token))
    assert r.status_code == 201, r.content
    return r.json()


def act(client: Client, token: str, dossier: dict[str, Any], action: str,
        **extra: Any) -> dict[str, Any]:
    r = client.post(f"/api/v1/staff/dossiers/{dossier['id']}/actions/{action}",
                    {"expected_version": dossier["version"], **extra},
                    content_type="application/json", **bearer(token))
    assert r.status_code == 200, r.content
    return r.json()


def test_the_whole_citizen_journey_through_the_api(city):
    client = Client()
    citizen = signup(client)
    filed = file_dossier(client, city, citizen)
    assert filed["status_code"] == Status.SUBMITTED and filed["code"] is None
    assert [d["has_file"] for d in filed["documents"]] == [True, True]

    officer = staff_token(client, "officer")
    queue = client.get("/api/v1/staff/queue", **bearer(officer)).json()["items"]
    assert [q["id"] for q in queue] == [filed["id"]]
    d = client.get(f"/api/v1/staff/dossiers/{filed['id']}", **bearer(officer)).json()
    assert "receive" in d["actions"]
    d = act(client, officer, d, "receive")
    assert d["status_code"] == Status.RECEIVED and d["code"]
    d = act(client, officer, d, "hand_over")
    specialist = staff_token(client, "specialist")
    d = act(client, specialist, d, "hand_over")
    leader = staff_token(client, "leader")
    d = act(client, leader, d, "approve")
    assert d["status_code"] == Status.RESULT_READY
    r = client.post(f"/api/v1/staff/dossiers/{d['id']}/return", {
        "expected_version": d["version"],
        "result": SimpleUploadedFile("ket-qua.pdf", PDF, "application/pdf")}, **bearer(officer))
    assert r.status_code == 200, r.content
    assert r.json()["status_code"] == Status.RETURNED

    mine = client.get(f"/api/v1/dossiers/{d['id']}", **bearer(citizen)).json()
    assert mine["status_code"] == Status.RETURNED
    assert [e["status"] for e in mine["timeline"]][-1] == str(Status.RETURNED.label)
    result = next(doc for doc in mine["documents"] if doc["kind"] == "result")
    download = client.get(f"/api/v1/dossiers/{d['id']}/documents/{result['id']}",
                          **bearer(citizen))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF

    scores = {c.code: 5 for c in RatingCriterion.objects.filter(active=True)}
    r = client.post(f"/api/v1/dossiers/{d['id']}/rating", {"scores": scores},
                    content_type="application/json", **bearer(citizen))
    assert r.status_code == 201, r.content
    # The citizen was told of the receipt and of the result (e-mail and in-app each).
    events = set(Delivery.objects.filter(dossier_id=d["id"]).values_list("event", "channel"))
    assert {("received", "email"), ("received", "in_app"), ("result_ready", "in_app")} <= events


def test_a_citizen_cannot_read_or_act_on_anothers_dossier(city):
    client = Client()
    owner = signup(client)
    other = signup(client, phone="0987654321", cccd="092190004321", email="binh@example.vn")
    filed = file_dossier(client, city, owner)
    pk = filed["id"]
    attempts = [
        client.get(f"/api/v1/dossiers/{pk}", **bearer(other)),
        client.post(f"/api/v1/dossiers/{pk}/withdraw", {"reason": "x"},
                    content_type="application/json", **bearer(other)),
        client.post(f"/api/v1/dossiers/{pk}/supplement", {
            "document_ids": [1], "files": [SimpleUploadedFile("a.pdf", PDF)]}, **bearer(other)),
        client.get(f"/api/v1/dossiers/{pk}/documents/{filed['documents'][0]['id']}",
                   **bearer(other)),
        client.post(f"/api/v1/dossiers/{pk}/rating", {"scores": {}},
                    content_type="application/json", **bearer(other)),
        client.post("/api/v1/feedback", {"subject": "s", "content": "c", "dossier_id": pk},
                    content_type="application/json", **bearer(other)),
    ]
    assert [r.status_code for r in attempts] == [404] * len(attempts)
    assert client.get("/api/v1/dossiers", **bearer(other)).json()["items"] == []
    # A citizen token opens no staff endpoint.
    assert client.get("/api/v1/staff/queue", **bearer(owner)).status_code == 401
    assert client.get(f"/api/v1/dossiers/{pk}", **bearer(owner)).status_code == 200


def test_staff_cannot_act_outside_their_agency(city):
    client = Client()
    filed = file_dossier(client, city, signup(client))
    outsider = staff_token(client, "outsider")  # an officer of another centre
    r = client.post(f"/api/v1/staff/dossiers/{filed['id']}/actions/receive",
                    {"expected_version": filed["version"]}, content_type="application/json",
                    **bearer(outsider))
    assert r.status_code == 404
    assert client.get(f"/api/v1/staff/dossiers/{filed['id']}",
                      **bearer(outsider)).status_code == 404
    assert client.get("/api/v1/staff/queue", **bearer(outsider)).json()["items"] == []
    # In scope but the wrong role: the specialist may not receive at the counter.
    specialist = staff_token(client, "specialist")
    r = client.post(f"/api/v1/staff/dossiers/{filed['id']}/actions/receive",
                    {"expected_version": filed["version"]}, content_type="application/json",
                    **bearer(specialist))
    assert r.status_code == 403
    assert set(r.json()) == {"code", "message", "details"}
    # A staff token opens no citizen endpoint.
    assert client.get("/api/v1/dossiers", **bearer(specialist)).status_code == 401


def test_a_stale_version_is_a_conflict(city):
    client = Client()
    filed = file_dossier(client, city, signup(client))
    officer = staff_token(client, "officer")
    r = client.post(f"/api/v1/staff/dossiers/{filed['id']}/actions/receive",
                    {"expected_version": filed["version"] + 7},
                    content_type="application/json", **bearer(officer))
    assert r.status_code == 409 and r.json()["code"] == "conflict"


def test_the_signed_result_is_a_document_of_kind_result(city, signing):
    from onestop.signatures.verify import verify_pdf

    signing.signer(agency=city.justice, user=city.leader)
    client = Client()
    citizen = signup(client)
    d = file_dossier(client, city, citizen)
    officer, specialist, leader = (staff_token(client, u) for u in
                                   ("officer", "specialist", "leader"))
    d = act(client, officer, d, "receive")
    d = act(client, officer, d, "hand_over")
    d = act(client, specialist, d, "hand_over")
    d = act(client, leader, d, "approve")
    r = client.post(f"/api/v1/staff/dossiers/{d['id']}/return",
                    {"expected_version": d["version"]}, **bearer(officer))
    assert r.status_code == 200, r.content
    mine = client.get(f"/api/v1/dossiers/{d['id']}", **bearer(citizen)).json()
    (result,) = [doc for doc in mine["documents"] if doc["kind"] == "result"]
    assert result["signed_by"] == city.leader.display_name and result["signed_at"]
    download = client.get(f"/api/v1/dossiers/{d['id']}/documents/{result['id']}",
                          **bearer(citizen))
    data = b"".join(download.streaming_content)
    assert verify_pdf(data).ok and hashlib.sha256(data).hexdigest() == result["sha256"]
