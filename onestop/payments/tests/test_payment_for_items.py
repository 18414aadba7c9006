"""payment_for_items and the client hooks: the payments core's door for every payable (a
dossier's fees, bills, stalls), knowing nothing of what the items are for."""

from __future__ import annotations

import pytest

from onestop.core.errors import ValidationFailed
from onestop.payments import hooks, services
from onestop.payments.models import FeeItem, Payment

from .conftest import bank_incoming

pytestmark = pytest.mark.django_db


def _item(city, amount: int = 50000) -> FeeItem:
    return FeeItem.objects.create(agency=city.centre, source=FeeItem.Source.OTHER,
                                  name="Hóa đơn nước", unit_amount=amount, amount=amount)


def test_a_payment_for_items_is_reused_while_pending(city):
    item = _item(city)
    first = services.payment_for_items(item_ids=[item.pk], purpose="Nuoc")
    again = services.payment_for_items(item_ids=[item.pk], purpose="Nuoc")
    assert first.created and not again.created and again.payment.pk == first.payment.pk
    assert first.payment.amount == 50000


def test_an_idempotency_key_answers_the_same_payment_and_refuses_another_request(city):
    a, b = _item(city), _item(city, 7000)
    first = services.payment_for_items(item_ids=[a.pk], purpose="x", idempotency_key="k1")
    assert services.payment_for_items(item_ids=[a.pk], purpose="x",
                                      idempotency_key="k1").payment == first.payment
    with pytest.raises(services.IdempotencyMismatch):
        services.payment_for_items(item_ids=[b.pk], purpose="x", idempotency_key="k1")


def test_items_not_open_or_of_two_agencies_are_refused(city):
    item = _item(city)
    item.state = FeeItem.State.PAID
    item.save()
    with pytest.raises(ValidationFailed):
        services.payment_for_items(item_ids=[item.pk], purpose="x")
    other = FeeItem.objects.create(agency=city.justice, source=FeeItem.Source.OTHER, name="Phí",
                                   unit_amount=1000, amount=1000)
    with pytest.raises(ValidationFailed):
        services.payment_for_items(item_ids=[_item(city).pk, other.pk], purpose="x")
    assert not Payment.objects.exists()


def test_a_new_request_expires_the_pending_payment_it_replaces(city):
    a, b = _item(city), _item(city, 7000)
    first = services.payment_for_items(item_ids=[a.pk], purpose="x").payment
    second = services.payment_for_items(item_ids=[a.pk, b.pk], purpose="x",
                                        replaces=[first.pk]).payment
    first.refresh_from_db()
    assert first.state == Payment.State.EXPIRED and second.amount == 57000


def test_settle_hooks_run_inside_the_settle_transaction(city, monkeypatch):
    monkeypatch.setattr(hooks, "_SETTLE_HOOKS", [])
    seen: list[str] = []
    hooks.register_settle_hook(lambda payment, at, actor: seen.append(payment.reference))
    payment = services.payment_for_items(item_ids=[_item(city).pk], purpose="x").payment
    services.notification_receive(provider="vietqr",
                                  incoming=bank_incoming(payment.reference, 50000, "FT1"))
    assert seen == [payment.reference]
    assert FeeItem.objects.get(lines__payment=payment).state == FeeItem.State.PAID

    def boom(payment: Payment, at: object, actor: object) -> None:
        raise RuntimeError("hook failed")

    hooks.register_settle_hook(boom)
    other = services.payment_for_items(item_ids=[_item(city).pk], purpose="x").payment
    with pytest.raises(RuntimeError):
        services.notification_receive(provider="vietqr",
                                      incoming=bank_incoming(other.reference, 50000, "FT2"))
    other.refresh_from_db()
    assert other.state == Payment.State.PENDING and not other.receipts.exists()


def test_lock_hooks_run_before_the_payment_is_locked_and_name_the_payment(city, monkeypatch):
    monkeypatch.setattr(hooks, "_LOCK_HOOKS", [])
    payment = services.payment_for_items(item_ids=[_item(city).pk], purpose="x").payment
    seen: list[int] = []
    hooks.register_lock_hook(seen.append)
    services.notification_receive(provider="vietqr",
                                  incoming=bank_incoming(payment.reference, 50000, "FT1"))
    assert seen == [payment.pk]


def test_a_payment_nobody_describes_has_no_subject_and_no_other_refund_deciders(city):
    payment = services.payment_for_items(item_ids=[_item(city).pk], purpose="x").payment
    assert hooks.subject_of(payment) is None
    assert hooks.refund_agencies([payment.pk]) == {}
