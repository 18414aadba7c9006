"""payment_for_items and settle hooks: the payments core's two doors for bills and stalls."""

from __future__ import annotations

import pytest

from onestop.core.errors import ValidationFailed
from onestop.payments import services
from onestop.payments.models import FeeItem, Payment
from onestop.payments.services import payments as core

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
    assert first.payment.amount == 50000 and first.payment.dossier is None


def test_an_idempotency_key_answers_the_same_payment_and_refuses_another_request(city):
    a, b = _item(city), _item(city, 7000)
    first = services.payment_for_items(item_ids=[a.pk], purpose="x", idempotency_key="k1")
    assert services.payment_for_items(item_ids=[a.pk], purpose="x",
                                      idempotency_key="k1").payment == first.payment
    with pytest.raises(services.IdempotencyMismatch):
        services.payment_for_items(item_ids=[b.pk], purpose="x", idempotency_key="k1")


def test_items_not_open_or_of_a_dossier_are_refused(city, world):
    item = _item(city)
    item.state = FeeItem.State.PAID
    item.save()
    with pytest.raises(ValidationFailed):
        services.payment_for_items(item_ids=[item.pk], purpose="x")
    dossier_item = FeeItem.objects.filter(dossier=world.receive()).first()
    with pytest.raises(ValidationFailed):
        services.payment_for_items(item_ids=[dossier_item.pk], purpose="x")
    assert not Payment.objects.filter(dossier__isnull=True).exists()


def test_settle_hooks_run_inside_the_settle_transaction(city, monkeypatch):
    monkeypatch.setattr(core, "_SETTLE_HOOKS", [])
    seen: list[str] = []
    services.register_settle_hook(lambda payment, at: seen.append(payment.reference))
    payment = services.payment_for_items(item_ids=[_item(city).pk], purpose="x").payment
    services.notification_receive(provider="vietqr",
                                  incoming=bank_incoming(payment.reference, 50000, "FT1"))
    assert seen == [payment.reference]
    assert FeeItem.objects.get(lines__payment=payment).state == FeeItem.State.PAID

    def boom(payment: Payment, at: object) -> None:
        raise RuntimeError("hook failed")

    services.register_settle_hook(boom)
    other = services.payment_for_items(item_ids=[_item(city).pk], purpose="x").payment
    with pytest.raises(RuntimeError):
        services.notification_receive(provider="vietqr",
                                      incoming=bank_incoming(other.reference, 50000, "FT2"))
    other.refresh_from_db()
    assert other.state == Payment.State.PENDING and not other.receipts.exists()
