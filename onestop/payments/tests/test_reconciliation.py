"""Bank statement reconciliation: every difference reported, nothing changed by itself."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onestop.core.errors import NotAllowed, ValidationFailed
from onestop.payments import reconciliation as rec
from onestop.payments import services
from onestop.payments.models import FeeItem, Payment, ReconciliationLine
from onestop.testing import vn

from .conftest import bank_incoming, gateway_incoming

pytestmark = pytest.mark.django_db
K = ReconciliationLine.Kind


def _settled(city, amount: int, *, txn: str, provider: str = "vietqr", day: int = 1,
             sign_with: str = "real") -> Payment:
    item = FeeItem.objects.create(agency=city.centre, source=FeeItem.Source.OTHER,
                                  name="Hóa đơn", unit_amount=amount, amount=amount)
    payment = services.payment_for_items(item_ids=[item.pk], purpose="x",
                                         at=vn(2026, 4, day, 8)).payment
    incoming = (bank_incoming(payment.reference, amount, txn, sign_with=sign_with)
                if provider == "vietqr" else gateway_incoming(payment.reference, amount, txn))
    outcome = services.notification_receive(provider=provider, incoming=incoming,
                                            at=vn(2026, 4, day, 10))
    assert outcome.outcome == "settled"
    return Payment.objects.get(pk=payment.pk)


@pytest.fixture
def ledger(city):
    return {
        "by_txn": _settled(city, 50000, txn="FT1"),
        "by_ref": _settled(city, 30000, txn="GW2", provider="gateway"),
        "by_amount": _settled(city, 20000, txn="FT3"),
        "not_at_bank": _settled(city, 40000, txn="FT4"),
        "wrong_amount": _settled(city, 10000, txn="FT5"),
        "sandbox": _settled(city, 60000, txn="SB6", sign_with="sandbox"),
        "other_day": _settled(city, 70000, txn="FT7", day=5),
    }


def _statement(ledger) -> str:
    return ("date,amount,description,transaction_id\n"
            "2026-04-01,50000,CK phi,FT1\n"
            f"01/04/2026,30.000,THANH TOAN {ledger['by_ref'].reference.lower()},BANK2\n"
            "2026-04-01,20000,chuyen tien,BANK3\n"
            "2026-04-01,11000,CK,FT5\n"
            "2026-04-01,50000,CK phi,FT1\n"
            "2026-04-02,77000,khong ro,XX9\n")


def test_every_difference_is_reported(city, ledger):
    run = rec.reconciliation_run(officer=city.officer, text=_statement(ledger))
    lines = list(run.lines.order_by("id"))
    got = [(line.kind, line.matched_by, line.payment_id) for line in lines]
    assert got == [
        (K.MATCHED, "transaction", ledger["by_txn"].pk),
        (K.MATCHED, "reference", ledger["by_ref"].pk),
        (K.MATCHED, "amount_date", ledger["by_amount"].pk),
        (K.AMOUNT_MISMATCH, "transaction", ledger["wrong_amount"].pk),
        (K.DUPLICATE, "", None),
        (K.MISSING_ON_PLATFORM, "", None),
        (K.MISSING_AT_BANK, "", ledger["not_at_bank"].pk),
    ]
    assert (run.bank_lines, run.matched, run.differences) == (6, 3, 4)
    assert all(line.status == ("ok" if line.kind == K.MATCHED else "open") for line in lines)


def test_a_second_credit_for_a_matched_payment_is_a_duplicate(city, ledger):
    ref = ledger["by_txn"].reference
    text = ("date,amount,description,transaction_id\n"
            "2026-04-01,50000,CK,FT1\n"
            f"2026-04-01,50000,CK lan 2 {ref},FT99\n")
    kinds = [line.kind for line in rec.reconciliation_run(officer=city.officer,
                                                           text=text).lines.order_by("id")]
    assert kinds[:2] == [K.MATCHED, K.DUPLICATE]


def test_nothing_changes_on_the_platform_and_the_officer_resolves_with_a_note(city, ledger):
    before = {p.pk: (p.state, p.received_amount) for p in Payment.objects.all()}
    run = rec.reconciliation_run(officer=city.officer, text=_statement(ledger))
    assert {p.pk: (p.state, p.received_amount) for p in Payment.objects.all()} == before
    line = run.lines.get(kind=K.MISSING_ON_PLATFORM)
    with pytest.raises(ValidationFailed):
        rec.reconciliation_line_resolve(line_id=line.pk, officer=city.officer, note=" ")
    rec.reconciliation_line_resolve(line_id=line.pk, officer=city.officer,
                                    note="Chuyển nhầm, đã liên hệ ngân hàng hoàn trả")
    line.refresh_from_db()
    assert line.status == "resolved" and line.resolved_by == city.officer
    with pytest.raises(ValidationFailed):
        rec.reconciliation_line_resolve(line_id=line.pk, officer=city.officer, note="again")
    assert {p.pk: (p.state, p.received_amount) for p in Payment.objects.all()} == before


def test_a_bad_statement_is_refused_whole(city, ledger):
    with pytest.raises(rec.StatementInvalid) as caught:
        rec.reconciliation_run(officer=city.officer, text=(
            "date,amount,description,transaction_id\n2026-04-01,-5,x,A\nhom qua,10,x,B\n"))
    assert len(caught.value.errors) == 2
    assert not ReconciliationLine.objects.exists()


def test_only_service_centre_staff_reconcile(city, ledger):
    with pytest.raises(NotAllowed):
        rec.reconciliation_run(officer=city.specialist, text=_statement(ledger))


def test_the_back_office_pages_upload_review_and_resolve(client, city, ledger):
    client.force_login(city.officer)
    upload = SimpleUploadedFile("sao-ke.csv", _statement(ledger).encode("utf-8-sig"))
    response = client.post("/backoffice/payments/reconciliation/", {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert ledger["not_at_bank"].reference in page.content.decode()
    line = ReconciliationLine.objects.get(kind=K.AMOUNT_MISMATCH)
    client.post(f"/backoffice/payments/reconciliation/lines/{line.pk}/resolve/",
                {"note": "Ngân hàng thu phí 1.000 đ"})
    line.refresh_from_db()
    assert line.status == "resolved"
    client.force_login(city.specialist)
    assert client.get("/backoffice/payments/reconciliation/").status_code == 404
