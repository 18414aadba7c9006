"""Two identical sends of one visit at the same moment (a retry racing the first try, two
tabs) store one visit: the unique client_id decides, the loser answers with the winner's row.

Real threads with their own database connections (transaction=True), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from onestop.community.models import Visit
from onestop.community.services import VisitPayload, visit_record
from onestop.core.audit import audit_verify
from onestop.testing import make_teams

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_identical_sends_at_once_store_one_visit():
    teams = make_teams()
    payload = VisitPayload(
        client_id=uuid.uuid4(), visited_at=timezone.now() - datetime.timedelta(minutes=30),
        commune_code="31135", hamlet="Khu vực 1", household="12 Hai Bà Trưng",
        helped=["vneid"], consent=True)
    n = 2
    barrier = threading.Barrier(n)
    answers: list[str] = [""] * n

    def send(i: int) -> None:
        try:
            barrier.wait()
            result = visit_record(member=teams.member.user, payload=payload)
            answers[i] = f"{'created' if result.created else 'same'}:{result.visit.pk}"
        except Exception as exc:  # surfaced in the assertion message
            answers[i] = f"error: {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    visit = Visit.objects.get(client_id=payload.client_id)
    assert sorted(answers) == [f"created:{visit.pk}", f"same:{visit.pk}"], answers
    assert Visit.objects.count() == 1
    assert audit_verify().ok
