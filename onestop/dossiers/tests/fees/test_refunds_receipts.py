"""Receipts numbered per agency, as PDF; refunds asked by an officer, approved by a leader."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from onestop.core.audit import audit_verify
from onestop.core.errors import NotAllowed, ValidationFailed
from onestop.payments import services
from onestop.payments.models import Payment, Receipt, Refund
from onestop.payments.services.receipts import next_receipt_number
from onestop.testing import make_user

from .conftest import bank_incoming, receive

pytestmark = pytest.mark.django_db


def _paid(world, txn="FT1", **applicant):
    payment = world.payment(world.receive(**applicant))
    receive("vietqr", bank_incoming(payment.reference, payment.amount, txn))
    payment.refresh_from_db()
    return payment


def test_receipt_numbers_are_consecutive_per_agency_and_year(world):
    city = world.city
    numbers = [Receipt.objects.get(payment=_paid(world, f"FT{i}", name=f"Người {i}")).number
               for i in range(3)]
    year = Receipt.objects.values_list("year", flat=True).first()
    assert numbers == [f"{city.centre.code}-BL-{year}-{i:06d}" for i in (1, 2, 3)]
    # Another agency has its own series, starting at 1.
    make_user("commune-officer2", "Tạ Văn Hùng", officer=city.commune)
    from django.db import transaction
    with transaction.atomic():
        number, sequence = next_receipt_number(agency=city.commune, year=2026)
    assert (number, sequence) == (f"{city.commune.code}-BL-2026-000001", 1)


def test_the_receipt_pdf_states_number_amount_in_words_and_sandbox(world, client):
    payment = _paid(world)
    receipt = Receipt.objects.get(payment=payment)
    response = client.get(reverse("portal:receipt_pdf", args=[payment.reference,
                                                                 receipt.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert receipt.number in text
    assert "Mười ba nghìn đồng" in text
    assert "SANDBOX" not in text
    sandboxed = world.payment(world.receive(name="Phan Văn Khải"))
    from onestop.payments.providers import sandbox
    sandbox.send_bank_transfer(reference=sandboxed.reference, amount=sandboxed.amount)
    r2 = Receipt.objects.get(payment=sandboxed)
    pdf = services.render_receipt_pdf(r2)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "SANDBOX" in text


def test_a_refund_is_asked_by_an_officer_and_approved_by_another_person_a_leader(world):
    payment = _paid(world)
    city = world.city
    with pytest.raises(NotAllowed):
        services.refund_request(reference=payment.reference, officer=city.specialist,
                                amount=5000, reason="Nộp thừa")
    with pytest.raises(ValidationFailed):
        services.refund_request(reference=payment.reference, officer=city.officer,
                                amount=payment.amount + 1, reason="Nộp thừa")
    refund = services.refund_request(reference=payment.reference, officer=city.officer,
                                     amount=5000, reason="Miễn phí trích lục")
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED  # nothing moves before approval
    with pytest.raises(NotAllowed):
        services.refund_approve(refund_id=refund.pk, leader=city.officer)
    services.refund_approve(refund_id=refund.pk, leader=world.centre_leader, note="Đồng ý")
    with pytest.raises(ValidationFailed):
        services.refund_approve(refund_id=refund.pk, leader=world.centre_leader)
    payment.refresh_from_db()
    assert (payment.state, payment.refunded_amount) == (Payment.State.PARTIALLY_REFUNDED, 5000)
    refund_receipt = Receipt.objects.get(refund=refund)
    assert refund_receipt.kind == Receipt.Kind.REFUND and refund_receipt.amount == 5000
    rest = services.refund_request(reference=payment.reference, officer=city.officer,
                                   amount=payment.amount - 5000, reason="Rút hồ sơ")
    services.refund_approve(refund_id=rest.pk, leader=city.leader)  # the competent agency's
    payment.refresh_from_db()
    assert payment.state == Payment.State.REFUNDED
    assert audit_verify().ok


def test_a_rejected_refund_changes_nothing(world):
    payment = _paid(world)
    refund = services.refund_request(reference=payment.reference, officer=world.city.officer,
                                     amount=1000, reason="Thử")
    with pytest.raises(ValidationFailed):
        services.refund_reject(refund_id=refund.pk, leader=world.centre_leader, note="")
    services.refund_reject(refund_id=refund.pk, leader=world.centre_leader, note="Không có căn cứ")
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED and payment.refunded_amount == 0
    assert Refund.objects.get().state == Refund.State.REJECTED
    assert not Receipt.objects.filter(kind=Receipt.Kind.REFUND).exists()


def test_staff_pages_show_fees_payments_and_refunds(world, client):
    city = world.city
    d = world.receive()
    client.force_login(city.officer)
    fees = client.get(reverse("backoffice:dossier_fees", args=[d.pk]))
    assert fees.status_code == 200 and "13.000" in fees.content.decode()
    response = client.post(reverse("backoffice:dossier_fees", args=[d.pk]),
                           {"action": "link", "idempotency_key": "x1"})
    assert response.status_code == 302
    payment = Payment.objects.get(dossier_link__dossier=d)
    receive("vietqr", bank_incoming(payment.reference, 20000, "FT1"))  # over-payment
    listing = client.get(reverse("backoffice:payments") + "?state=flagged")
    assert payment.reference in listing.content.decode()
    client.post(reverse("backoffice:payment", args=[payment.reference]),
                {"action": "resolve", "decision": "refund_difference", "reason": "Nộp thừa"})
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED
    client.force_login(world.centre_leader)
    refunds = client.get(reverse("backoffice:refunds"))
    refund = Refund.objects.get()
    assert refunds.status_code == 200 and payment.reference in refunds.content.decode()
    client.post(reverse("backoffice:refund_decide", args=[refund.pk, "approve"]))
    refund.refresh_from_db()
    assert refund.state == Refund.State.APPROVED


def test_the_citizen_page_shows_qr_account_in_words_and_refreshes(world, client):
    payment = world.payment(world.receive())
    response = client.get(reverse("portal:pay", args=[payment.reference]))
    body = response.content.decode()
    assert response.status_code == 200 and response["Refresh"] == "5"
    assert "<svg" in body and "0011001932418" in body and "Mười ba nghìn đồng" in body
    assert "VietinBank" in body and payment.reference in body
    receive("vietqr", bank_incoming(payment.reference, payment.amount, "FT1"))
    response = client.get(reverse("portal:pay", args=[payment.reference]))
    assert "Refresh" not in response
    assert Receipt.objects.get().number in response.content.decode()
