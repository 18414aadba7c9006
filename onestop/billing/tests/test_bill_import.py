from __future__ import annotations

import json

import pytest
from django.utils.translation import gettext, override

from onestop.billing import services
from onestop.billing.models import Bill, BillerApiKey
from onestop.payments.models import FeeItem

from .conftest import BILLS

pytestmark = pytest.mark.django_db


def _post(client, key, data, **extra):
    return client.post("/billing/api/bills", data=json.dumps(data),
                       content_type="application/json",
                       headers={"Authorization": f"Bearer {key}"}, **extra)


def test_api_keys_are_stored_hashed_and_shown_once(water):
    row = BillerApiKey.objects.get(biller=water.biller)
    assert water.key not in row.key_hash and row.key_hash != water.key
    assert services.biller_for_key(water.key) == water.biller
    assert services.biller_for_key(water.key + "x") is None


def test_api_import_creates_bills_with_a_fee_item_each(client, water):
    response = _post(client, water.key, BILLS)
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 3
    bill = Bill.objects.get(number="HD-0001")
    assert bill.amount == 185000 and bill.state == Bill.State.OPEN
    assert bill.fee_item.amount == 185000 and bill.fee_item.agency == water.biller.agency


def test_api_import_is_idempotent_per_bill_number(client, water):
    _post(client, water.key, BILLS)
    again = _post(client, water.key, BILLS)
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 3}
    assert Bill.objects.count() == 3 and FeeItem.objects.count() == 3


def test_a_changed_open_bill_is_updated(client, water):
    _post(client, water.key, BILLS)
    changed = [dict(BILLS[0], amount=200000)]
    assert _post(client, water.key, changed).json()["updated"] == 1
    assert Bill.objects.get(number="HD-0001").fee_item.amount == 200000


def test_a_bad_row_refuses_the_whole_batch_with_translated_messages(client, water):
    bad = [*BILLS, dict(BILLS[0], number="HD-0009", amount=-5, due_date="10/04/2026")]
    response = _post(client, water.key, bad)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert len(errors) == 1 and "HD-0009" in errors[0]
    with override("vi"):
        assert gettext("the due date must be written YYYY-MM-DD") in errors[0]
    assert Bill.objects.count() == 0


def test_a_change_to_a_paid_bill_rolls_the_batch_back(water):
    services.bills_import(biller=water.biller, records=BILLS)
    Bill.objects.filter(number="HD-0002").update(state=Bill.State.PAID)
    new = dict(BILLS[0], number="HD-0100")
    with pytest.raises(services.BatchInvalid):
        services.bills_import(biller=water.biller,
                              records=[new, dict(BILLS[1], amount=1000)])
    assert not Bill.objects.filter(number="HD-0100").exists()


def test_the_api_refuses_missing_or_wrong_keys(client, water):
    assert client.post("/billing/api/bills", data="[]",
                       content_type="application/json").status_code == 401
    assert _post(client, "bk_wrong", BILLS).status_code == 401
    assert _post(client, water.key, {"not": "a list"}).status_code == 400


def test_csv_upload_in_the_back_office(client, city, water):
    header = "number,customer_code,customer_name,period,amount,due_date\n"
    rows = "".join(f"{b['number']},{b['customer_code']},{b['customer_name']},{b['period']},"
                   f"{b['amount']},{b['due_date']}\n" for b in BILLS)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(city.officer)
    upload = SimpleUploadedFile("bills.csv", (header + rows).encode())
    response = client.post(f"/backoffice/billing/{water.biller.pk}/",
                           {"file": upload}, follow=True)
    assert response.status_code == 200
    assert Bill.objects.filter(biller=water.biller).count() == 3


def test_csv_upload_is_refused_to_staff_of_another_agency(client, city, water):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(city.outsider)
    upload = SimpleUploadedFile("bills.csv", b"number\n")
    client.post(f"/backoffice/billing/{water.biller.pk}/", {"file": upload})
    assert Bill.objects.count() == 0


def test_the_command_creates_a_biller_and_prints_its_key_once(city):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("biller", "create", "--code", "evn-ct", "--name", "Điện lực Cần Thơ",
                 "--kind", "electricity", "--agency", city.centre.code, stdout=out)
    key = out.getvalue().split("API key (shown once): ")[1].strip()
    assert services.biller_for_key(key).code == "evn-ct"
    assert not BillerApiKey.objects.filter(key_hash=key).exists()
