"""Work-queue tabs and filters."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from onestop.dossiers import services as svc
from onestop.dossiers.services import Applicant, Filing
from onestop.testing import make_procedure, make_user

pytestmark = pytest.mark.django_db


def _codes(client, **params) -> set[str]:
    response = client.get(reverse("backoffice:home"), params)
    assert response.status_code == 200
    return {item["dossier"].code or f"#{item['dossier'].pk}" for item in response.context["items"]}


def test_mine_holds_my_steps_and_unassigned_steps_of_my_role(client, city, intake):
    other = make_user("specialist2", "Ngô Thị Giang", specialist=city.justice)
    at_counter = intake()
    unassigned = intake()
    svc.dossier_hand_over(dossier_id=unassigned.pk, actor=city.officer)
    to_me = intake()
    svc.dossier_hand_over(dossier_id=to_me.pk, actor=city.officer, assignee=city.specialist)
    to_other = intake()
    svc.dossier_hand_over(dossier_id=to_other.pk, actor=city.officer, assignee=other)
    client.force_login(city.specialist)
    assert _codes(client) == {unassigned.code, to_me.code}
    assert _codes(client, tab="agency") == {c.code for c in (at_counter, unassigned, to_me,
                                                              to_other)}
    client.force_login(city.officer)
    assert _codes(client) == {at_counter.code}


def test_officer_mine_holds_counter_work_filings_supplements_and_results(client, city, intake,
                                                                          online):
    filed = online()
    supplement = intake()
    svc.dossier_request_supplement(dossier_id=supplement.pk, actor=city.officer,
                                   reason="Thiếu", items="Bản sao")
    client.force_login(city.officer)
    codes = _codes(client)
    assert f"#{filed.pk}" in codes and supplement.code in codes
    client.force_login(city.outsider)  # another centre's officer sees none of it
    assert _codes(client) == set() and _codes(client, tab="agency") == set()


def test_overdue_and_due_soon_tabs(client, city, intake):
    late = intake(at=timezone.now() - datetime.timedelta(days=30))
    fresh = intake()
    flagged = intake()
    svc.deadline_sweep(now=flagged.appointment_at - datetime.timedelta(hours=2))
    client.force_login(city.officer)
    assert _codes(client, tab="overdue") == {late.code}
    soon = _codes(client, tab="due_soon")
    assert flagged.code in soon and late.code not in soon
    page = client.get(reverse("backoffice:home"), {"tab": "overdue"}).content.decode()
    assert "badge--overdue" in page
    assert fresh.code in _codes(client, tab="agency")


def test_filters_by_text_status_and_channel(client, city, intake, online):
    hoa = intake(name="Trần Văn Hòa")
    intake(name="Lê Thị Mai")
    filed = online(name="Phạm Văn Nam")
    client.force_login(city.officer)
    assert _codes(client, tab="agency", q="Hòa") == {hoa.code}
    assert _codes(client, tab="agency", q=hoa.code[-4:]) == {hoa.code}
    assert _codes(client, tab="agency", status=1) == {f"#{filed.pk}"}
    assert _codes(client, tab="agency", channel=2) == {f"#{filed.pk}"}
    other = make_procedure(code="2.000001", name="Chứng thực bản sao",
                           field=city.version.field, centre=city.centre, handling=city.justice)
    copy = svc.dossier_intake_at_counter(officer=city.officer, filing=Filing(
        procedure_version=other, receiving_agency=city.centre,
        applicant=Applicant(name="Võ Văn Tư"), documents=[
            svc.SubmittedDocument(required_document_id=d.pk, originals=1)
            for d in other.documents.all()]))
    assert len(_codes(client, tab="agency", procedure=city.version.procedure_id)) == 3
    assert _codes(client, tab="agency", procedure=other.procedure_id) == {copy.code}


def test_queue_pages_by_fifty(client, city, intake):
    for i in range(51):
        intake(name=f"Người {i}")
    client.force_login(city.officer)
    first = client.get(reverse("backoffice:home"), {"tab": "agency"})
    assert len(first.context["items"]) == 50 and first.context["page_obj"].has_next()
    second = client.get(reverse("backoffice:home"), {"tab": "agency", "page": 2})
    assert len(second.context["items"]) == 1


def _result_ready(city, dossier):
    d = svc.dossier_hand_over(dossier_id=dossier.pk, actor=city.officer)
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist)
    return svc.dossier_approve(dossier_id=d.pk, actor=city.leader)


def test_mine_puts_new_filings_first_and_leaves_finished_work_behind_a_link(
        client, city, intake, online):
    ready = _result_ready(city, intake())
    supplement = intake()
    svc.dossier_request_supplement(dossier_id=supplement.pk, actor=city.officer,
                                   reason="Thiếu", items="Bản sao")
    filed = online()
    client.force_login(city.officer)
    response = client.get(reverse("backoffice:home"))
    rows = [item["dossier"].pk for item in response.context["items"]]
    assert rows[0] == filed.pk and ready.pk not in rows and supplement.pk in rows
    body = response.content.decode()
    assert "1 kết quả đã sẵn sàng để trả cho người dân" in body
    assert ready.code in _codes(client, tab="mine", status=9)


def test_each_row_says_its_status_and_how_it_was_filed(client, city, intake, online):
    counter = intake(name="Trần Văn Hòa")
    filed = online(name="Phạm Văn Nam")
    client.force_login(city.officer)
    response = client.get(reverse("backoffice:home"), {"tab": "agency"})
    rows = {item["pk"]: item for item in response.context["items"]}
    assert rows[counter.pk]["channel_label"] == "Trực tiếp"
    assert rows[filed.pk]["channel_label"] == "Trực tuyến"
    assert rows[filed.pk]["status_label"]
    assert "· Trực tuyến</span>" in response.content.decode()
