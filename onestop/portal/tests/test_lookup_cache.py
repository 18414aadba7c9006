"""The public lookup is cached per answer and never shows a dossier's old status."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onestop.dossiers import services as svc
from onestop.dossiers.models import Status

pytestmark = pytest.mark.django_db

LOOKUP = "/tra-cuu/"



def test_a_repeated_lookup_is_served_from_the_cache(client, city, settings):
    settings.ONESTOP_REDIS_URL = ""  # the rate limit then counts in the database
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing())
    first = client.post(LOOKUP, {"code": d.code, "factor": "5678"})
    with CaptureQueriesContext(connection) as queries:
        again = client.post(LOOKUP, {"code": d.code, "factor": "5678"})
    assert again.content == first.content
    # Only the shared rate-limit counter is touched: no dossier is read.
    touched = [q["sql"] for q in queries.captured_queries
               if "core_ratewindow" not in q["sql"] and "SAVEPOINT" not in q["sql"].upper()
               and q["sql"].split()[0].upper() not in ("BEGIN", "COMMIT")]
    assert touched == []


def test_a_change_to_the_dossier_clears_its_cached_answer(
    client, city, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing())
    before = client.post(LOOKUP, {"code": d.code, "factor": "5678"})
    assert before.context["result"].status_code == Status.RECEIVED
    with django_capture_on_commit_callbacks(execute=True):
        svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer)
    after = client.post(LOOKUP, {"code": d.code, "factor": "5678"})
    assert after.context["result"].status_code == Status.IN_PROCESS


def test_the_rate_limit_counts_cached_answers_too(client, city, settings):
    settings.ONESTOP_LOOKUP_RATE_LIMIT = 3
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing())
    codes = [client.post(LOOKUP, {"code": d.code, "factor": "5678"}).status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_language_switcher_works_without_a_csrf_token(db):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/i18n/setlang/", {"language": "en", "next": "/tra-cuu/"})
    assert response.status_code == 302
    assert strict.get("/tra-cuu/").headers["Content-Language"] == "en"


def test_signed_in_visitors_are_not_served_cached_pages(client, city, citizen):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing())
    client.post(LOOKUP, {"code": d.code, "factor": "5678"})  # cached for anonymous visitors
    client.force_login(citizen)
    response = client.post(LOOKUP, {"code": d.code, "factor": "5678"})
    assert response.context is not None  # rendered, so the header shows the citizen
