"""Concurrent actions: exactly one wins, the others get a clear conflict; codes stay gap-free.

Real threads with their own database connections (transaction=True), on SQLite and PostgreSQL.
"""

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from onestop.core.audit import audit_verify
from onestop.core.errors import Conflict, DomainError
from onestop.dossiers import services as svc
from onestop.dossiers.models import Dossier, Status
from onestop.testing import vn

pytestmark = pytest.mark.django_db(transaction=True)


def _race(n: int, action: Callable[[int], object]) -> list[str]:
    barrier = threading.Barrier(n)
    results: list[str] = [""] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            action(i)
            results[i] = "ok"
        except Conflict:
            results[i] = "conflict"
        except DomainError as exc:
            results[i] = f"refused: {exc}"
        except Exception as exc:  # surfaced in the assertion message
            results[i] = f"error: {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_same_action_from_stale_pages_exactly_one_wins(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    results = _race(4, lambda i: svc.dossier_hand_over(
        dossier_id=d.pk, actor=city.officer, expected_version=d.version, at=vn(2026, 3, 2, 9)))
    assert Counter(results) == {"ok": 1, "conflict": 3}, results
    d.refresh_from_db()
    assert d.status == Status.IN_PROCESS and d.version == 3  # created 1, intake 2, hand-over 3
    assert d.steps.filter(finished_at__isnull=False).count() == 1
    assert audit_verify().ok


def test_different_actions_at_once_exactly_one_wins(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 2, 9))
    version = d.version
    actions = [
        lambda: svc.dossier_request_supplement(
            dossier_id=d.pk, actor=city.specialist, reason="thiếu", items="CCCD",
            expected_version=version, at=vn(2026, 3, 3, 8)),
        lambda: svc.dossier_stop(dossier_id=d.pk, actor=city.leader, reason="dừng",
                                 expected_version=version, at=vn(2026, 3, 3, 8)),
        lambda: svc.dossier_withdraw(dossier_id=d.pk, actor=city.officer, reason="rút",
                                     expected_version=version, at=vn(2026, 3, 3, 8)),
        lambda: svc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist,
                                      expected_version=version, at=vn(2026, 3, 3, 8)),
    ]
    results = _race(4, lambda i: actions[i]())
    assert Counter(results) == {"ok": 1, "conflict": 3}, results
    assert Dossier.objects.get(pk=d.pk).version == version + 1


def test_concurrent_receipts_get_consecutive_unique_codes(city):
    per_thread, threads = 5, 6

    def receive_many(i: int) -> None:
        for _ in range(per_thread):
            svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                          at=vn(2026, 3, 2, 8 + i % 3))

    results = _race(threads, receive_many)
    assert results == ["ok"] * threads, results
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    expected = [f"000.00.00.H99-260302-{n:04d}" for n in range(1, per_thread * threads + 1)]
    assert codes == expected
    assert audit_verify().ok
