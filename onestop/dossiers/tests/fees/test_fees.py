"""Fees of dossiers: computed at receipt, exemptions, paid before processing or return."""

import pytest

from onestop.catalog.models import ProcedureVersion
from onestop.core.errors import NotAllowed, ValidationFailed
from onestop.core.models import AuditEvent
from onestop.dossiers import services as dsvc
from onestop.dossiers.models import Status
from onestop.payments import services
from onestop.payments.models import FeeItem, Payment, Receipt
from onestop.payments.selectors import online_payment_rate
from onestop.testing import vn

from .conftest import bank_incoming, receive

pytestmark = pytest.mark.django_db


def test_fee_items_are_computed_at_receipt_from_the_fee_schedule(world):
    d = world.receive()
    items = list(FeeItem.objects.filter(dossier_link__dossier=d).order_by("id"))
    assert [(i.name, i.quantity, i.amount) for i in items] == [
        ("Lệ phí", 1, 8000), ("Phí trích lục bản sao", 1, 5000)]
    assert dsvc.outstanding(dossier_id=d.pk) == 13000


def test_an_online_filing_gets_its_fees_when_received(world):
    city = world.city
    d = dsvc.dossier_submit_online(filing=city.filing(), at=vn(2026, 3, 2, 8))
    assert not FeeItem.objects.filter(dossier_link__dossier=d).exists()
    d = dsvc.dossier_receive(dossier_id=d.pk, officer=city.officer, at=vn(2026, 3, 2, 9))
    assert FeeItem.objects.filter(dossier_link__dossier=d).count() == 2
    assert d.status == Status.AWAITING_PAYMENT


def test_paid_before_processing_the_dossier_waits_in_6_and_moves_on_when_paid(world):
    d = world.receive()
    assert d.status == Status.AWAITING_PAYMENT
    payment = world.payment(d)
    result = receive("vietqr", bank_incoming(payment.reference, 13000, "FT1"))
    assert result.outcome == "settled"
    d.refresh_from_db()
    assert d.status == Status.IN_PROCESS
    event = AuditEvent.objects.get(action="dossier.payment_received", object_id=str(d.pk))
    assert event.data == {"reference": payment.reference}
    states = FeeItem.objects.filter(dossier_link__dossier=d).values_list("state", flat=True)
    assert set(states) == {"paid"}


def test_without_a_payment_rule_the_dossier_goes_on_at_once(city):
    d = dsvc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                       at=vn(2026, 3, 2, 8))
    assert d.status == Status.RECEIVED
    assert dsvc.outstanding(dossier_id=d.pk) == 8000


def test_per_copy_fee_counts_each_copy(world):
    d = world.receive()
    item = FeeItem.objects.get(dossier_link__dossier=d, fee__kind="per_copy")
    services.fee_item_set_quantity(item_id=item.pk, officer=world.city.officer, quantity=3)
    item.refresh_from_db()
    assert (item.quantity, item.amount) == (3, 15000)
    assert dsvc.outstanding(dossier_id=d.pk) == 23000


def test_exemption_needs_a_reason_and_an_officer_and_releases_the_dossier(world):
    d = world.receive()
    items = list(FeeItem.objects.filter(dossier_link__dossier=d))
    with pytest.raises(ValidationFailed):
        dsvc.fee_item_exempt(item_id=items[0].pk, officer=world.city.officer, reason=" ")
    with pytest.raises(NotAllowed):
        dsvc.fee_item_exempt(item_id=items[0].pk, officer=world.city.outsider,
                                 reason="Hộ nghèo")
    for item in items:
        dsvc.fee_item_exempt(item_id=item.pk, officer=world.city.officer,
                                 reason="Hộ nghèo (Nghị định 07/2021)")
    d.refresh_from_db()
    assert d.status == Status.IN_PROCESS
    assert dsvc.outstanding(dossier_id=d.pk) == 0


def test_paid_before_return_keeps_the_result_until_paid(city):
    version = city.version
    version.payment_timing = ProcedureVersion.PaymentTiming.BEFORE_RETURN
    version.save(update_fields=["payment_timing"])
    d = dsvc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                       at=vn(2026, 3, 2, 8))
    assert d.status == Status.RECEIVED  # processing does not wait
    dsvc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 2, 9))
    dsvc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist, at=vn(2026, 3, 3, 9))
    dsvc.dossier_approve(dossier_id=d.pk, actor=city.leader, at=vn(2026, 3, 3, 10))
    with pytest.raises(ValidationFailed):
        dsvc.dossier_return_result(dossier_id=d.pk, officer=city.officer, at=vn(2026, 3, 4, 9))
    dsvc.payment_record_cash(dossier_id=d.pk, officer=city.officer, amount=8000,
                                 at=vn(2026, 3, 4, 9))
    d = dsvc.dossier_return_result(dossier_id=d.pk, officer=city.officer, at=vn(2026, 3, 4, 10))
    assert d.status == Status.RETURNED


def test_cash_at_the_counter_settles_with_a_receipt_but_is_not_online(world):
    d = world.receive()
    online = world.payment(d)
    with pytest.raises(ValidationFailed):
        dsvc.payment_record_cash(dossier_id=d.pk, officer=world.city.officer, amount=1000)
    with pytest.raises(NotAllowed):
        dsvc.payment_record_cash(dossier_id=d.pk, officer=world.city.specialist,
                                     amount=13000)
    cash = dsvc.payment_record_cash(dossier_id=d.pk, officer=world.city.officer,
                                        amount=13000)
    assert cash.state == Payment.State.SUCCEEDED and not cash.is_online
    assert Receipt.objects.filter(payment=cash).count() == 1
    online.refresh_from_db()
    assert online.state == Payment.State.EXPIRED  # the online link closes
    d.refresh_from_db()
    assert d.status == Status.IN_PROCESS
    assert online_payment_rate(agency_ids=[world.city.centre.pk]) == (0, 1)


def test_an_obligation_requested_during_processing_is_payable(city):
    d = dsvc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                       at=vn(2026, 3, 2, 8))
    dsvc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 2, 9))
    dsvc.dossier_request_payment(dossier_id=d.pk, actor=city.specialist, amount=250000,
                                 reason="Lệ phí trước bạ", at=vn(2026, 3, 3, 9))
    assert dsvc.outstanding(dossier_id=d.pk) == 258000
    payment = dsvc.payment_for_dossier(dossier_id=d.pk).payment
    assert payment.amount == 258000
    receive("vietqr", bank_incoming(payment.reference, 258000, "FT9"))
    d.refresh_from_db()
    assert d.status == Status.IN_PROCESS
