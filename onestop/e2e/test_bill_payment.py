"""A citizen looks up a water bill and pays it with the sandbox bank, in Chromium.

The bill is settled exactly once, the biller's signed callback is queued in the same
transaction, and the receipt is there at once.
"""

from __future__ import annotations

from typing import Any

import pytest

from onestop.billing import services as billing
from onestop.billing.models import Bill, BillerCallback
from onestop.payments.models import Payment, Receipt
from onestop.testing import make_city, vn

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def _sandbox(settings: Any, site: str) -> None:
    settings.ONESTOP_PAYMENT_SANDBOX = True
    settings.ONESTOP_VIETQR_WEBHOOK_SECRET = "bank-secret-for-tests"
    settings.ONESTOP_GATEWAY_SECRET = "gateway-secret-for-tests"
    settings.ONESTOP_PAYMENT_SANDBOX_SECRET = "sandbox-secret-for-tests"
    settings.ONESTOP_GATEWAY_URL = ""
    settings.PUBLIC_BASE_URL = site


def test_a_citizen_pays_a_water_bill_with_the_sandbox_bank(
        site: str, new_context: Any, _sandbox: None) -> None:
    city = make_city()
    biller, _key = billing.biller_create(code="cantho-water", name="Cấp nước Cần Thơ",
                                         kind="water", agency=city.centre)
    # Only queued here (delivery and its retries are tested in onestop/billing).
    biller.callback_url = "http://127.0.0.1:9/callback"
    biller.save(update_fields=["callback_url"])
    billing.bills_import(biller=biller, at=vn(2026, 4, 1, 9), records=[
        {"number": "HD-0001", "customer_code": "KH001", "customer_name": "Nguyễn Văn An",
         "period": "03/2026", "amount": 185000, "due_date": "2026-04-10"},
    ])

    page = new_context().new_page()
    page.goto(f"{site}/hoa-don/")
    page.select_option("#biller", "cantho-water")
    page.fill("#customer", "KH001")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "185.000" in page.content()
    with page.expect_navigation():
        page.locator("form[action$='/thanh-toan/'] button[type=submit]").click()
    reference = page.url.rstrip("/").split("/")[-1]
    assert page.locator(".qr svg").count() == 1
    page.locator("button[name=provider][value=sandbox]").click()
    page.locator("button[name=action][value=transfer]").click()
    page.locator("#payment-state").wait_for()

    payment = Payment.objects.get(reference=reference)
    assert payment.state == Payment.State.SUCCEEDED and payment.sandbox
    bill = Bill.objects.get(number="HD-0001")
    assert bill.state == Bill.State.PAID and bill.paid_by_id == payment.pk
    assert BillerCallback.objects.filter(bill=bill).count() == 1
    receipt = Receipt.objects.get(payment=payment)
    page.goto(f"{site}/thanh-toan/{reference}/")
    assert page.locator(f"a[href$='{receipt.number}.pdf']").count() == 1
