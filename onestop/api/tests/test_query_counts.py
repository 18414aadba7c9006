"""Every staff action through the API runs a bounded number of SQL queries, and every API
list the same number for a few rows as for a full page (issue 13). The budgets are today's
counts: a change that adds a query to an action fails here and has to say why."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onestop.accounts.models import User
from onestop.dossiers import services as svc
from onestop.testing import PDF_BYTES

from .test_journey import bearer, file_dossier, signup, staff_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _count(fn: Any) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code in (200, 201), response.content
    return len(ctx.captured_queries), response.json()


class Api:
    def __init__(self, city: Any) -> None:
        self.city = city
        self.client = Client()
        self.citizen = signup(self.client)
        self.officer = staff_token(self.client, "officer")
        self.specialist = staff_token(self.client, "specialist")
        self.leader = staff_token(self.client, "leader")

    def file(self) -> dict[str, Any]:
        return file_dossier(self.client, self.city, self.citizen)

    def act(self, token: str, d: dict[str, Any], action: str, **extra: Any) -> tuple[int, Any]:
        return _count(lambda: self.client.post(
            f"/api/v1/staff/dossiers/{d['id']}/actions/{action}",
            {"expected_version": d["version"], **extra}, content_type="application/json",
            **bearer(token)))

    def upload(self, token: str, d: dict[str, Any], path: str) -> tuple[int, Any]:
        return _count(lambda: self.client.post(
            f"/api/v1/staff/dossiers/{d['id']}/{path}",
            {"expected_version": d["version"],
             "result": SimpleUploadedFile("ket-qua.pdf", PDF_BYTES, "application/pdf")},
            **bearer(token)))


@pytest.fixture
def api(city) -> Api:
    return Api(city)


# Today's counts on SQLite and PostgreSQL, with the database rate limiter (Redis takes its one
# statement away). What a receipt must write: the dossier, its steps, the code and form-01
# counters, the fee items, the audit event (3 statements on the chain head), the applicant's
# notifications; then the answer (the dossier, its steps, letters and timeline).
BUDGETS = {
    "receive": 31, "hand_over": 23, "draft_result": 16, "approve": 27, "return": 16,
    "request_supplement": 27, "supplement_received": 24, "request_payment": 23,
    "payment_received": 16, "withdraw": 17, "refuse": 20, "stop": 21,
}


def test_every_staff_action_stays_within_its_query_budget(api, signing):
    counts: dict[str, list[int]] = {}

    def note(name: str, result: tuple[int, Any]) -> dict[str, Any]:
        counts.setdefault(name, []).append(result[0])
        return result[1]

    d = api.file()
    d = note("receive", api.act(api.officer, d, "receive"))
    d = note("hand_over", api.act(api.officer, d, "hand_over"))
    d = note("draft_result", api.upload(api.specialist, d, "draft-result"))
    d = note("hand_over", api.act(api.specialist, d, "hand_over"))
    d = note("approve", api.act(api.leader, d, "approve"))
    note("return", api.upload(api.officer, d, "return"))
    e = note("receive", api.act(api.officer, api.file(), "receive"))
    e = note("request_supplement", api.act(api.officer, e, "request_supplement",
                                           reason="Thiếu bản sao", items="Bản sao CCCD"))
    e = note("supplement_received", api.act(api.officer, e, "supplement_received"))
    e = note("request_payment", api.act(api.officer, e, "request_payment", amount=50000,
                                        reason="Lệ phí"))
    e = note("payment_received", api.act(api.officer, e, "payment_received", note="BL-0001"))
    note("withdraw", api.act(api.officer, e, "withdraw", reason="Người nộp rút hồ sơ"))
    note("refuse", api.act(api.officer, api.file(), "refuse", reason="Không thuộc thẩm quyền"))
    g = note("receive", api.act(api.officer, api.file(), "receive"))
    note("stop", api.act(api.leader, g, "stop", reason="Dừng theo yêu cầu"))

    over = {name: (max(seen), BUDGETS[name]) for name, seen in counts.items()
            if max(seen) > BUDGETS[name]}
    assert not over, f"queries (counted, budget): {over}"
    assert set(counts) == set(BUDGETS)
    # The same action costs the same on the second dossier and on the third (the first
    # receipt also reads the calendar's announced days into the process's cache).
    assert counts["receive"][1] == counts["receive"][2] == counts["receive"][0] - 1


def test_the_staff_detail_reads_the_same_for_a_short_and_a_long_history(api, city):
    d = api.act(api.officer, api.file(), "receive")[1]
    url = f"/api/v1/staff/dossiers/{d['id']}"
    short, _ = _count(lambda: api.client.get(url, **bearer(api.officer)))
    for k in range(3):
        d = api.act(api.officer, d, "request_supplement", reason=f"Lần {k}", items="Bản sao")[1]
        d = api.act(api.officer, d, "supplement_received")[1]
    long_, body = _count(lambda: api.client.get(url, **bearer(api.officer)))
    assert len(body["timeline"]) >= 8
    assert long_ == short <= 9


def _list_queries(api: Api, url: str, token: str) -> tuple[int, int]:
    api.client.get(url, **bearer(token))  # warm: calendars, the session of the token
    count, body = _count(lambda: api.client.get(url, **bearer(token)))
    items = body["items"] if isinstance(body, dict) else body
    return count, len(items)


def _more_dossiers(city: Any, citizen: User, n: int) -> None:
    from onestop.notifications.services import deliver_due

    for k in range(n):
        svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(
            name=f"Người nộp {k}", account=citizen))
    deliver_due()  # the worker's sweep: the receipts' in-app entries reach the feed


@pytest.mark.parametrize("who,url", [
    ("officer", "/api/v1/staff/queue?tab=agency"),
    ("officer", "/api/v1/staff/queue?tab=mine"),
    ("citizen", "/api/v1/dossiers"),
    ("citizen", "/api/v1/notifications"),
])
def test_each_api_list_runs_the_same_queries_for_few_and_many_rows(api, city, who, url):
    token = getattr(api, who)
    citizen = User.objects.get(phone="0912345678")
    _more_dossiers(city, citizen, 2)
    few, rows_few = _list_queries(api, url, token)
    _more_dossiers(city, citizen, 10)
    many, rows_many = _list_queries(api, url, token)
    assert rows_many > rows_few > 0
    assert many == few


def test_the_procedure_list_runs_the_same_queries_for_few_and_many_procedures(api, city):
    from onestop.testing import make_procedure

    url = "/api/v1/procedures"
    few, rows_few = _list_queries(api, url, api.citizen)
    for k in range(6):
        make_procedure(code=f"1.9{k:05d}", name=f"Thủ tục {k}", field=city.version.field,
                       centre=city.centre, handling=city.justice)
    many, rows_many = _list_queries(api, url, api.citizen)
    assert rows_many == rows_few + 6
    assert many == few
