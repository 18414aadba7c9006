"""The queue and the dossier page run a constant number of SQL queries, whatever the data."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from onestop.dossiers import services as svc
from onestop.dossiers.models import Dossier
from onestop.testing import PDF_BYTES, vn

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def _varied(city, intake, count: int, *, late: bool = False) -> None:
    """Dossiers in different shapes: at the counter, handed over with and without assignee;
    `late` ones were received a month ago and are overdue now."""
    at = timezone.now() - datetime.timedelta(days=30) if late else None
    for i in range(count):
        dossier = intake(name=f"Người nộp {i}", at=at)
        if i % 3 == 1:
                svc.dossier_hand_over(dossier_id=dossier.pk, actor=city.officer, at=at)
        elif i % 3 == 2:
            svc.dossier_hand_over(dossier_id=dossier.pk, actor=city.officer,
                                  assignee=city.specialist, at=at)


@pytest.mark.parametrize("tab", ["mine", "agency", "due_soon", "overdue"])
def test_queue_runs_the_same_queries_for_5_rows_and_60_rows(
    client, city, intake, django_assert_max_num_queries, tab
):
    client.force_login(city.officer)
    url = reverse("backoffice:home") + f"?tab={tab}&q=Ng"

    def add(count: int) -> None:
        _varied(city, intake, count, late=tab == "overdue")
        if tab == "due_soon":  # what the deadline sweep sets
            Dossier.objects.update(due_soon_flagged_at=timezone.now())

    add(5)
    _queries(client, url)  # warm the calendar cache and the session
    few = _queries(client, url)
    rows_before = len(client.get(url).context["items"])
    add(55)
    rows_after = len(client.get(url).context["items"])
    if tab == "mine":
        assert (rows_before, rows_after) == (2, 21)  # the officer's: still at the counter
    else:
        assert (rows_before, rows_after) == (5, 50)  # then a full page
    with django_assert_max_num_queries(few):
        client.get(url)
    assert _queries(client, url) == few


def test_queue_of_a_specialist_shows_their_steps_in_constant_queries(client, city, intake):
    client.force_login(city.specialist)
    url = reverse("backoffice:home")
    _varied(city, intake, 6)
    _queries(client, url)
    few = _queries(client, url)
    assert len(client.get(url).context["items"]) == 4  # two unassigned, two assigned to them
    _varied(city, intake, 30)
    assert _queries(client, url) == few


def test_dossier_page_runs_the_same_queries_for_a_short_and_a_long_history(
    client, city, intake, django_assert_max_num_queries
):
    client.force_login(city.officer)
    short = intake(at=vn(2026, 3, 2, 8))
    long = intake(at=vn(2026, 3, 2, 8))
    for round_ in range(3):  # one round a day, Tuesday to Thursday, before the appointment
        day = 3 + round_
        svc.dossier_request_supplement(dossier_id=long.pk, actor=city.officer,
                                       reason=f"Lần {round_}", items="Bản sao",
                                       at=vn(2026, 3, day, 9))
        svc.dossier_supplement_received(
            dossier_id=long.pk, actor=city.officer, at=vn(2026, 3, day, 10),
            documents=[svc.SubmittedDocument(
                required_document_id=None, name=f"Bổ sung {round_}",
                file=SimpleUploadedFile(f"b{round_}.pdf", PDF_BYTES))],
        )
        letter = svc.apology_prepare(dossier_id=long.pk, at=vn(2026, 3, day, 10, 30))
        assert letter is not None
        svc.apology_dismiss(letter_id=letter.pk, leader=city.leader,
                            at=vn(2026, 3, day, 11))
    short_url = reverse("backoffice:dossier", args=[short.pk])
    long_url = reverse("backoffice:dossier", args=[long.pk])
    _queries(client, short_url)
    few = _queries(client, short_url)
    with django_assert_max_num_queries(few):
        response = client.get(long_url)
    assert len(response.context["timeline"]) > 10
    assert len(response.context["documents"]) == 6  # 3 at the counter, 3 supplements
    assert _queries(client, long_url) == few
