from __future__ import annotations

import datetime
import hashlib
import hmac
import json

import pytest
from django.utils.translation import gettext, override

from onestop.billing import services
from onestop.billing.models import Bill, BillerCallback
from onestop.core.errors import ValidationFailed
from onestop.payments import services as pay
from onestop.payments.models import FeeItem, Payment
from onestop.payments.tests.conftest import bank_incoming
from onestop.testing import vn

from .conftest import BILLS

pytestmark = pytest.mark.django_db
T0 = vn(2026, 4, 1, 9)


@pytest.fixture
def bills(water, receiver):
    water.biller.callback_url = receiver.url
    water.biller.save()
    services.bills_import(biller=water.biller, records=BILLS, at=T0)
    return water


def _pay(reference: str, amount: int, txn: str = "FT0001") -> str:
    return pay.notification_receive(provider="vietqr",
                                    incoming=bank_incoming(reference, amount, txn)).outcome


def test_lookup_shows_only_open_bills_with_a_masked_name(client, bills):
    Bill.objects.filter(number="HD-0002").update(state=Bill.State.PAID)
    response = client.get("/hoa-don/", {"biller": "cantho-water", "customer": "KH001"})
    html = response.content.decode()
    assert "185.000" in html and "192.000" not in html
    assert "N***** V** A*" in html and "Nguyễn Văn An" not in html
    assert "99.000" not in html  # another customer's bill


def test_paying_a_bill_settles_it_and_writes_the_callback_in_the_same_transaction(bills):
    bill = Bill.objects.get(number="HD-0001")
    payment = services.bill_payment_start(bill_id=bill.pk, customer_code="KH001", at=T0)
    again = services.bill_payment_start(bill_id=bill.pk, customer_code="KH001", at=T0)
    assert again.pk == payment.pk and payment.amount == 185000
    assert not hasattr(payment, "dossier_link")
    assert _pay(payment.reference, 185000) == "settled"
    bill.refresh_from_db()
    assert bill.state == Bill.State.PAID and bill.paid_by == payment
    callback = BillerCallback.objects.get(bill=bill)
    body = json.loads(callback.body)
    assert body["payment_reference"] == payment.reference and body["amount"] == 185000
    assert body["receipt_number"] == payment.receipts.get().number
    # A duplicate notification writes no second callback.
    assert _pay(payment.reference, 185000) == "duplicate"
    assert BillerCallback.objects.filter(bill=bill).count() == 1


def test_a_failing_callback_hook_rolls_the_settlement_back(bills, monkeypatch):
    bill = Bill.objects.get(number="HD-0001")
    payment = services.bill_payment_start(bill_id=bill.pk, customer_code="KH001", at=T0)

    def crash(*args, **kwargs):
        raise RuntimeError("crash before commit")

    monkeypatch.setattr(services.paying, "_callback_body", crash)
    with pytest.raises(RuntimeError):
        _pay(payment.reference, 185000)
    payment.refresh_from_db()
    bill.refresh_from_db()
    assert payment.state == Payment.State.PENDING and bill.state == Bill.State.OPEN
    assert not BillerCallback.objects.exists() and not payment.receipts.exists()
    monkeypatch.undo()
    assert _pay(payment.reference, 185000) == "settled"  # the bank's retry settles


def test_the_callback_is_signed_and_retried_with_backoff_until_acknowledged(bills, receiver):
    bill = Bill.objects.get(number="HD-0003")
    payment = services.bill_payment_start(bill_id=bill.pk, customer_code="KH002", at=T0)
    _pay(payment.reference, 99000)
    callback = BillerCallback.objects.get(bill=bill)
    receiver.statuses = [500, 503]
    now = datetime.datetime.now(datetime.UTC)
    assert services.callback_deliver(callback_id=callback.pk, now=now) is False
    callback.refresh_from_db()
    assert callback.attempts == 1 and callback.state == "pending"
    assert callback.next_attempt_at == now + datetime.timedelta(minutes=1)
    # Not due yet: the sweep leaves it alone.
    assert services.callback_sweep(now=now + datetime.timedelta(seconds=30)) == 0
    assert services.callback_sweep(now=now + datetime.timedelta(minutes=1)) == 0
    callback.refresh_from_db()
    assert callback.attempts == 2
    assert callback.next_attempt_at == now + datetime.timedelta(minutes=3)
    assert services.callback_sweep(now=now + datetime.timedelta(minutes=3)) == 1
    callback.refresh_from_db()
    assert callback.state == "delivered" and callback.attempts == 3
    assert len(receiver.received) == 3
    sent = receiver.received[-1]
    expected = hmac.new(bills.biller.callback_secret.encode(), sent["body"],
                        hashlib.sha256).hexdigest()
    assert sent["headers"]["X-Signature"] == expected
    assert json.loads(sent["body"])["bill_number"] == "HD-0003"
    # Acknowledged: never sent again.
    assert services.callback_sweep(now=now + datetime.timedelta(days=1)) == 0
    assert len(receiver.received) == 3


def test_the_citizen_pays_a_bill_from_the_lookup_to_the_pay_page(client, bills):
    bill = Bill.objects.get(number="HD-0001")
    response = client.post(f"/hoa-don/{bill.pk}/thanh-toan/", {"customer": "KH001"})
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert response["Location"] == f"/thanh-toan/{payment.reference}/"
    assert client.get(response["Location"]).status_code == 200
    wrong = client.post(f"/hoa-don/{bill.pk}/thanh-toan/", {"customer": "KH002"})
    assert wrong.status_code == 400
    with override("vi"):
        assert gettext("This bill is not open for payment.") in wrong.content.decode()


def test_a_paid_bill_cannot_be_paid_again(bills):
    bill = Bill.objects.get(number="HD-0001")
    payment = services.bill_payment_start(bill_id=bill.pk, customer_code="KH001", at=T0)
    _pay(payment.reference, 185000)
    with pytest.raises(ValidationFailed):
        services.bill_payment_start(bill_id=bill.pk, customer_code="KH001", at=T0)
    assert FeeItem.objects.get(pk=bill.fee_item_id).state == FeeItem.State.PAID


def test_the_callback_sweep_is_a_periodic_job():
    from onestop.billing.tasks import biller_callback_sweep_task
    from onestop.core.scheduler import periodic_jobs

    jobs = {job.name: job for job in periodic_jobs()}
    assert jobs["biller_callbacks"].task is biller_callback_sweep_task


def test_a_water_bill_paid_with_the_sandbox_bank_reaches_the_biller(client, bills, receiver):
    bill = Bill.objects.get(number="HD-0003")
    pay_page = client.post(f"/hoa-don/{bill.pk}/thanh-toan/", {"customer": "KH002"})
    reference = pay_page["Location"].split("/")[2]
    client.post(f"/sandbox/pay/{reference}/", {"action": "transfer"})
    bill.refresh_from_db()
    assert bill.state == Bill.State.PAID and bill.paid_by.sandbox
    callback = BillerCallback.objects.get(bill=bill)
    assert services.callback_deliver(callback_id=callback.pk) is True
    assert json.loads(receiver.received[0]["body"])["sandbox"] is True
    receipt = bill.paid_by.receipts.get()
    pdf = client.get(f"/thanh-toan/{reference}/bien-lai/{receipt.number}.pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"


def test_an_empty_customer_code_is_refused_with_a_message(client, bills):
    response = client.get("/hoa-don/", {"biller": "cantho-water", "customer": "  "})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Nhập mã khách hàng in trên hóa đơn" in body and 'aria-invalid="true"' in body


def test_the_bill_shows_its_full_number_and_payment_due_and_pays_its_biller(client, bills):
    body = client.get("/hoa-don/", {"biller": "cantho-water", "customer": "KH001"}
                      ).content.decode()
    assert "HD-0001" in body and "Hạn thanh toán" in body and "Hạn hoàn thành" not in body
    bill = Bill.objects.get(number="HD-0001")
    response = client.post(f"/hoa-don/{bill.pk}/thanh-toan/", {"customer": "KH001"})
    page = client.get(response["Location"]).content.decode()
    assert "Đơn vị thụ hưởng" in page and bills.biller.name in page


def test_the_demo_bills_carry_their_whole_prefix():
    from onestop.billing.demo import load_demo_bills
    from onestop.testing import make_city

    city = make_city()
    load_demo_bills(agency=city.centre, now=T0)
    numbers = set(Bill.objects.values_list("number", flat=True))
    assert "WATER-202604-0001" in numbers and "POWER-202604-0001" in numbers
