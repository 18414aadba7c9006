"""Exactly once: a shuffled stream with duplicates, late and forged notifications, threads
racing on one notification, a crash between settling and notifying, idempotency keys."""

import datetime
import random
import threading
from collections import Counter
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from onestop.core.audit import audit_verify
from onestop.core.errors import Conflict
from onestop.core.models import AuditEvent
from onestop.dossiers import services as dsvc
from onestop.dossiers.models import Dossier, Status
from onestop.payments import services
from onestop.payments.models import Payment, PaymentNotification, Receipt
from onestop.payments.services.receipts import receipt_email_sweep
from onestop.payments.tasks import receipt_email_task

from .conftest import bank_incoming, gateway_incoming, receive

Out = PaymentNotification.Outcome


def _stream(payments, rng):
    """≥ 5 notifications per payment: the success and its duplicates, failures before it,
    forged copies; some payments fail or expire first and are paid late."""
    events = []
    late = {}
    for i, p in enumerate(payments):
        kind = i % 5
        if kind == 0:  # gateway: a failed attempt, then success (dup'd), a stale failure
            events.append(("fail_first", p, gateway_incoming(p.reference, p.amount, f"GWF{i}",
                                                             success=False)))
            ok = gateway_incoming(p.reference, p.amount, f"GW{i}")
            late[p.reference] = "gateway"
            events += [("late", p, ok), ("dup", p, ok), ("dup", p, ok)]
        else:
            ok = bank_incoming(p.reference, p.amount, f"FT{i}")
            events += [("ok", p, ok)] + [("dup", p, ok)] * (1 + i % 3)
        events.append(("forged", p, bank_incoming(p.reference, p.amount, f"FT{i}",
                                                  sign_with="attacker")))
        events.append(("forged", p, gateway_incoming(p.reference, p.amount, f"GW{i}",
                                                     forged=True)))
    # Failures must come before their late success to exercise "success after failed";
    # everything else is shuffled.
    first = [e for e in events if e[0] == "fail_first"]
    rest = [e for e in events if e[0] != "fail_first"]
    rng.shuffle(rest)
    return first + rest


@pytest.mark.slow
@pytest.mark.django_db
def test_a_shuffled_stream_of_notifications_settles_each_payment_exactly_once(world):
    rng = random.Random(766)
    dossiers = [world.receive(name=f"Người nộp {i}") for i in range(200)]
    payments = [world.payment(d) for d in dossiers]
    # A tenth expire before anyone pays: their success arrives late and must still settle.
    expired = payments[1::10]
    Payment.objects.filter(pk__in=[p.pk for p in expired]).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert services.payment_expire_sweep(now=timezone.now()) == len(expired)

    stream = _stream(payments, rng)
    assert len(stream) >= 1000
    outcomes = Counter()
    for _kind, _payment, incoming in stream:
        provider = "gateway" if incoming.query else "vietqr"
        outcomes[receive(provider, incoming).outcome] += 1
    # Replaying (a sample of) the stream changes nothing.
    replayed = Counter()
    for _kind, _p, incoming in rng.sample(stream, 300):
        result = receive("gateway" if incoming.query else "vietqr", incoming)
        replayed[result.outcome] += 1
    assert set(replayed) <= {Out.DUPLICATE, Out.FORGED}

    succeeded = Payment.objects.filter(state=Payment.State.SUCCEEDED)
    assert succeeded.count() == 200
    assert outcomes[Out.SETTLED] == 200
    assert Receipt.objects.count() == succeeded.count()
    assert outcomes[Out.FORGED] == 400
    assert PaymentNotification.objects.filter(signature_valid=False).count() == (
        400 + replayed[Out.FORGED])
    assert outcomes[Out.FAILED] == 40
    for d in Dossier.objects.filter(pk__in=[d.pk for d in dossiers]):
        assert d.status == Status.IN_PROCESS
    moved = Counter(AuditEvent.objects.filter(action="dossier.payment_received")
                    .values_list("object_id", flat=True))
    assert len(moved) == 200 and set(moved.values()) == {1}
    settles = Counter(AuditEvent.objects.filter(action="payment.settle")
                      .values_list("object_id", flat=True))
    assert len(settles) == 200 and set(settles.values()) == {1}
    numbers = sorted(Receipt.objects.values_list("sequence", flat=True))
    assert numbers == list(range(1, 201))  # consecutive per agency
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_the_same_notification_from_eight_threads_settles_once(world):
    payment = world.payment(world.receive())
    incoming = bank_incoming(payment.reference, payment.amount, "FT-RACE")
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def deliver():
        try:
            barrier.wait()
            outcomes.append(receive("vietqr", incoming).outcome)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(outcomes) == [Out.DUPLICATE] * 7 + [Out.SETTLED]
    assert Receipt.objects.count() == 1
    assert AuditEvent.objects.filter(action="payment.settle").count() == 1
    assert AuditEvent.objects.filter(action="dossier.payment_received").count() == 1
    assert audit_verify().ok


@pytest.mark.django_db
def test_a_crash_before_commit_leaves_nothing_half_done_and_the_retry_settles(world):
    payment = world.payment(world.receive(email="an@example.vn"))
    incoming = bank_incoming(payment.reference, payment.amount, "FT1")
    with mock.patch("onestop.payments.services.receipts.enqueue_email",
                    side_effect=RuntimeError("crash")):
        with pytest.raises(RuntimeError):
            receive("vietqr", incoming)
    payment.refresh_from_db()
    assert payment.state == Payment.State.PENDING
    assert not Receipt.objects.exists()
    assert not AuditEvent.objects.filter(action="payment.settle").exists()
    assert receive("vietqr", incoming).outcome == Out.SETTLED  # the bank retries


@pytest.mark.django_db
def test_a_failed_receipt_email_is_sent_later_by_the_sweep(world):
    from django_tasks_db.models import DBTaskResult

    payment = world.payment(world.receive(email="an@example.vn"))
    receive("vietqr", bank_incoming(payment.reference, payment.amount, "FT1"))
    receipt = Receipt.objects.get()
    # The task row was written in the settle transaction (transactional outbox).
    assert DBTaskResult.objects.filter(task_path=receipt_email_task.module_path).count() == 1
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED  # the settlement does not wait for mail
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("SMTP down")):
        with pytest.raises(OSError):
            receipt_email_task.call(receipt.pk)
    receipt.refresh_from_db()
    assert receipt.emailed_at is None and receipt.email_attempts == 1
    assert receipt_email_sweep(now=timezone.now()) == 0  # not yet: give the task a chance
    assert receipt_email_sweep(now=timezone.now() + datetime.timedelta(minutes=5)) == 1
    assert receipt_email_task.call(receipt.pk) is True
    assert receipt_email_task.call(receipt.pk) is False  # never twice
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][0] == f"{receipt.number}.pdf"
    receipt.refresh_from_db()
    assert receipt.emailed_at is not None


@pytest.mark.django_db
def test_the_same_idempotency_key_gives_the_same_payment(world):
    d = world.receive()
    officer = world.city.officer
    first = dsvc.payment_for_dossier(dossier_id=d.pk, creator=officer,
                                         idempotency_key="k-1")
    again = dsvc.payment_for_dossier(dossier_id=d.pk, creator=officer,
                                         idempotency_key="k-1")
    assert first.created and not again.created
    assert first.payment.pk == again.payment.pk
    with pytest.raises(Conflict) as caught:
        dsvc.payment_for_dossier(dossier_id=d.pk, creator=officer, idempotency_key="k-1",
                                     provider="gateway")
    assert caught.value.http_status == 422
    # Another creator may use the same key for their own request.
    other = dsvc.payment_for_dossier(dossier_id=d.pk, creator=world.centre_leader,
                                         idempotency_key="k-1")
    assert other.created and other.payment.pk != first.payment.pk
