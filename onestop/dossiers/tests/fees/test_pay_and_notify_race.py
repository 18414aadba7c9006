"""Paying a dossier's fees and the bank's notification of the same payment, at the same moment.

Before issue 9's knot 1 was untied, paying locked the dossier then the payment while a bank
notification locked the payment then the dossier: on PostgreSQL 24 of 30 rounds of this test
ended in "deadlock detected". Both now take the one lock order (docs/lock-order.md).
Row locks only exist on PostgreSQL (SQLite serialises every write transaction).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from onestop.core.audit import audit_verify
from onestop.core.errors import ValidationFailed
from onestop.core.models import AuditEvent
from onestop.dossiers import services as dsvc
from onestop.dossiers.models import Status
from onestop.payments.models import Payment, PaymentNotification, Receipt

from .conftest import bank_incoming, receive

ROUNDS = 30

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and deadlocks exist only on PostgreSQL; SQLite serialises writes")


def _race_rounds(pays: list[Any], notifies: list[Any]) -> list[tuple[int, str, BaseException]]:
    """Two threads (each its own connection); in round i one pays and the other delivers
    the notification, released together by a barrier. The errors they raised."""
    barrier = threading.Barrier(2)
    errors: list[tuple[int, str, BaseException]] = []

    def run(name: str, steps: list[Any]) -> None:
        try:
            for i, step in enumerate(steps):
                barrier.wait()
                try:
                    step()
                except ValidationFailed:
                    pass  # "nothing is owed": the notification settled first, a clean answer
                except BaseException as exc:  # reported by the test
                    errors.append((i, name, exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=("pay", pays)),
               threading.Thread(target=run, args=("notify", notifies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_paying_while_the_bank_notifies_never_deadlocks_and_settles_once(world):
    dossiers = []
    for i in range(ROUNDS):
        dossier = world.receive(name=f"Người nộp {i}")
        dossiers.append((dossier, world.payment(dossier)))
    pays = [lambda d=d: dsvc.payment_for_dossier(dossier_id=d.pk) for d, _p in dossiers]
    notifies = [lambda p=p, i=i: receive("vietqr", bank_incoming(p.reference, p.amount,
                                                                   f"FT-RACE-{i}"))
                for i, (_d, p) in enumerate(dossiers)]

    errors = _race_rounds(pays, notifies)

    assert not errors, errors[:3]
    for dossier, payment in dossiers:
        dossier.refresh_from_db()
        payment.refresh_from_db()
        assert dossier.status == Status.IN_PROCESS
        assert payment.state == Payment.State.SUCCEEDED
        # The citizen's click found the pending payment (or nothing owed): no second one.
        assert Payment.objects.filter(dossier_link__dossier=dossier).count() == 1
        assert PaymentNotification.objects.get(payment=payment).outcome == "settled"
        assert Receipt.objects.filter(payment=payment).count() == 1
    settled = AuditEvent.objects.filter(action="payment.settle")
    released = AuditEvent.objects.filter(action="dossier.payment_received")
    assert settled.count() == ROUNDS
    assert sorted(released.values_list("object_id", flat=True)) == sorted(
        str(d.pk) for d, _p in dossiers)
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_cash_at_the_counter_while_the_bank_settles_another_payment_never_deadlocks(world):
    # Both number a receipt of the same agency and audit: the receipt counter must come
    # before the audit chain head in both (docs/lock-order.md). The cash payment also
    # expires the dossier's pending online link, which is audited.
    rounds = []
    for i in range(ROUNDS // 2):
        at_counter = world.receive(name=f"Nộp tiền mặt {i}")
        world.payment(at_counter)  # a pending online link, expired by the cash payment
        by_bank = world.receive(name=f"Chuyển khoản {i}")
        rounds.append((at_counter, dsvc.outstanding(dossier_id=at_counter.pk), by_bank,
                       world.payment(by_bank)))
    officer = world.city.officer
    cash = [lambda d=d, owed=owed: dsvc.payment_record_cash(dossier_id=d.pk, officer=officer,
                                                            amount=owed)
            for d, owed, _b, _p in rounds]
    notifies = [lambda p=p, i=i: receive("vietqr", bank_incoming(p.reference, p.amount,
                                                                   f"FT-CASH-{i}"))
                for i, (_d, _o, _b, p) in enumerate(rounds)]

    errors = _race_rounds(cash, notifies)

    assert not errors, errors[:3]
    for at_counter, _owed, by_bank, _p in rounds:
        for dossier in (at_counter, by_bank):
            dossier.refresh_from_db()
            assert dossier.status == Status.IN_PROCESS
    numbers = sorted(Receipt.objects.values_list("sequence", flat=True))
    assert numbers == list(range(1, 2 * len(rounds) + 1))  # consecutive, none twice
    assert audit_verify().ok
