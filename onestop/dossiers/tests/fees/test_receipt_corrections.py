"""Correcting a fee receipt from the back office, and receipts whose signing failed signed
again by the sweep (issue 15: cancelling or replacing keeps both; every receipt signed)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from onestop.core.errors import NotAllowed
from onestop.payments import services
from onestop.payments.models import Receipt
from onestop.payments.tasks import receipt_sign_task
from onestop.signatures.errors import SigningRefused

from .conftest import bank_incoming, receive

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _receipt(world, txn="FT1", **applicant) -> Receipt:
    payment = world.payment(world.receive(**applicant))
    receive("vietqr", bank_incoming(payment.reference, payment.amount, txn))
    return Receipt.objects.get(payment=payment)


def test_only_the_collecting_units_officer_or_leader_corrects_a_receipt(world, city):
    receipt = _receipt(world)
    for outsider in (city.specialist, city.outsider):
        with pytest.raises(NotAllowed):
            services.receipt_cancel(receipt_id=receipt.pk, actor=outsider, reason="Lập nhầm")
        with pytest.raises(NotAllowed):
            services.receipt_replace(receipt_id=receipt.pk, actor=outsider, reason="Sai tên")
    receipt.refresh_from_db()
    assert receipt.state == Receipt.State.ISSUED


def test_the_officer_replaces_a_receipt_from_the_payment_page(world, city, client):
    receipt = _receipt(world, name="Tran Van Lam")
    client.force_login(city.officer)
    client.cookies["django_language"] = "en"
    url = f"/backoffice/payments/{receipt.payment.reference}/"
    page = client.get(url).content.decode()
    assert "Cancel or replace this receipt" in page
    response = client.post(url, {"action": "receipt_replace", "receipt": receipt.pk,
                                 "payer_name": "Trần Văn Lâm", "reason": "Sai tên người nộp"})
    assert response.status_code == 302
    receipt.refresh_from_db()
    new = Receipt.objects.get(replaces=receipt)
    assert receipt.state == Receipt.State.REPLACED and new.payer_name == "Trần Văn Lâm"
    page = client.get(url).content.decode()
    assert f"replaces {receipt.number}" in page and "Sai tên người nộp" in page


def test_a_cancel_without_a_reason_is_refused_with_a_message_and_changes_nothing(world, city,
                                                                                 client):
    receipt = _receipt(world)
    client.force_login(city.officer)
    url = f"/backoffice/payments/{receipt.payment.reference}/"
    response = client.post(url, {"action": "receipt_cancel", "receipt": receipt.pk,
                                 "reason": "  "}, follow=True)
    with translation.override("vi"):
        assert gettext("Give the reason.") in response.content.decode()
    receipt.refresh_from_db()
    assert receipt.state == Receipt.State.ISSUED


def test_a_receipt_of_another_payment_is_not_found_from_this_page(world, city, client):
    first = _receipt(world, txn="FT1")
    second = _receipt(world, txn="FT2", name="Lê Văn Tám")
    client.force_login(city.officer)
    response = client.post(f"/backoffice/payments/{first.payment.reference}/", {
        "action": "receipt_cancel", "receipt": second.pk, "reason": "Lập nhầm"})
    assert response.status_code == 404
    second.refresh_from_db()
    assert second.state == Receipt.State.ISSUED


def test_the_sweep_signs_again_a_receipt_whose_signing_failed(world, settings, signing):
    settings.ONESTOP_SIGNATURE_REQUIRED = True
    receipt = _receipt(world)
    with pytest.raises(SigningRefused):  # the collecting unit has no key yet: refused
        services.receipt_sign(receipt_id=receipt.pk)
    DBTaskResult.objects.all().delete()  # the signing task of the settlement was lost
    later = timezone.now() + datetime.timedelta(minutes=11)
    signing.signer(agency=world.city.centre)  # the key arrives (the token is plugged in)
    assert services.receipt_sign_sweep(now=timezone.now()) == 0  # too early to call it lost
    assert services.receipt_sign_sweep(now=later) == 1
    queued = DBTaskResult.objects.get(task_path=receipt_sign_task.module_path)
    assert queued.args_kwargs["args"] == [receipt.pk]
    receipt_sign_task.call(*queued.args_kwargs["args"])  # what the worker runs
    receipt.refresh_from_db()
    assert receipt.signed_at is not None
    assert services.receipt_sign_sweep(now=later) == 0
