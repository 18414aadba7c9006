"""Fee receipts under the e-receipt rules: what they say, their signed XML and PDF, and
cancelling or replacing one keeps both (Decree 123/2020/NĐ-CP as amended by Decree
70/2025/NĐ-CP; Circular 78/2021/TT-BTC)."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from lxml import etree
from pypdf import PdfReader

from onestop.catalog.models import Fee
from onestop.core.errors import InvalidTransition
from onestop.payments import ereceipt, services
from onestop.payments.models import Receipt
from onestop.signatures.models import SignedDocument
from onestop.signatures.verify import verify_pdf

from .conftest import bank_incoming, receive

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _receipt(world, txn="FT1", **applicant) -> Receipt:
    payment = world.payment(world.receive(**applicant))
    receive("vietqr", bank_incoming(payment.reference, payment.amount, txn))
    return Receipt.objects.get(payment=payment)


@pytest.fixture
def unit_key(world, signing):
    world.city.centre.tax_code = "1801234567"
    world.city.centre.save(update_fields=["tax_code"])
    return signing.signer(agency=world.city.centre)


def test_a_receipt_carries_the_legal_content(world, settings):
    Fee.objects.filter(name__startswith="Phí").update(charge=Fee.Charge.PHI)
    world.city.centre.tax_code = "1801234567"
    world.city.centre.save(update_fields=["tax_code"])
    receipt = _receipt(world, name="Trần Văn Lâm")
    assert receipt.form_symbol == settings.ONESTOP_RECEIPT_FORM_SYMBOL
    assert receipt.series == settings.ONESTOP_RECEIPT_SERIES.replace(
        "{yy}", f"{receipt.year % 100:02d}")
    assert receipt.collector_name == world.city.centre.name
    assert receipt.collector_tax_code == "1801234567"
    assert receipt.payer_name == "Trần Văn Lâm"
    assert receipt.charge == "le_phi,phi"  # one lệ phí and one phí were collected


def test_signing_makes_a_signed_xml_and_a_signed_pdf_once(world, unit_key):
    receipt = services.receipt_sign(receipt_id=_receipt(world).pk)
    assert receipt.signed_at is not None
    pdf = services.render_receipt_pdf(receipt)  # the signed file as issued
    report = verify_pdf(pdf)
    assert report.ok and report.signatures[0].signer_name == world.city.centre.name
    data = ereceipt.verify(receipt.xml.encode(), certificate_pem=unit_key.certificate)
    assert data.findtext("TTChung/SCTu") == f"{receipt.sequence:07d}"
    assert data.findtext("TTChung/KHCTu") == receipt.series
    assert data.findtext("NDBLai/TCThu/MST") == "1801234567"
    assert int(data.findtext("NDBLai/TgTien")) == receipt.amount
    assert data.findtext("NDBLai/TgTBChu") == "Mười ba nghìn đồng"
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "1801234567" in text and receipt.series in text
    services.receipt_sign(receipt_id=receipt.pk)  # the task ran twice: nothing new
    assert SignedDocument.objects.filter(kind="receipt").count() == 1


def test_a_changed_xml_no_longer_verifies(world, unit_key):
    receipt = services.receipt_sign(receipt_id=_receipt(world).pk)
    forged = receipt.xml.replace("<TgTien>13000</TgTien>", "<TgTien>1300</TgTien>")
    assert forged != receipt.xml
    with pytest.raises(Exception, match="[Dd]igest"):
        ereceipt.verify(forged.encode(), certificate_pem=unit_key.certificate)


def test_without_a_unit_key_the_xml_is_kept_unsigned(world):
    receipt = services.receipt_sign(receipt_id=_receipt(world).pk)
    assert receipt.signed_at is None and receipt.signed_pdf is None
    root = etree.fromstring(receipt.xml.encode())
    assert root.findtext("DLBLai/TTChung/LCTDT") == ereceipt.DOCUMENT_TYPE


def test_replacing_a_receipt_keeps_both_linked(world, unit_key, city):
    old = services.receipt_sign(receipt_id=_receipt(world, name="Tran Van Lam").pk)
    new = services.receipt_replace(receipt_id=old.pk, actor=city.officer,
                                   reason="Sai tên người nộp", payer_name="Trần Văn Lâm")
    old.refresh_from_db()
    assert old.state == Receipt.State.REPLACED and new.replaces == old
    assert new.number != old.number and new.payer_name == "Trần Văn Lâm"
    new = services.receipt_sign(receipt_id=new.pk)
    data = ereceipt.verify(new.xml.encode(), certificate_pem=unit_key.certificate)
    assert data.findtext("TTChung/TTCTLQuan/SCTCLQuan") == f"{old.sequence:07d}"
    assert verify_pdf(old.signed_pdf.file.read()).ok  # the old one is still there, signed
    with pytest.raises(InvalidTransition):
        services.receipt_replace(receipt_id=old.pk, actor=city.officer, reason="Lần nữa")


def test_one_receipt_in_force_per_payment_and_cancel_is_kept(world, city):
    receipt = _receipt(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.create(
            number="X-1", agency=receipt.agency, year=receipt.year, sequence=999,
            payment=receipt.payment, amount=receipt.amount, issued_at=receipt.issued_at)
    services.receipt_cancel(receipt_id=receipt.pk, actor=city.officer, reason="Lập nhầm")
    receipt.refresh_from_db()
    assert receipt.state == Receipt.State.CANCELLED and receipt.cancel_reason == "Lập nhầm"
    with pytest.raises(InvalidTransition):
        services.receipt_cancel(receipt_id=receipt.pk, actor=city.officer, reason="Lần nữa")


def test_the_migration_tells_a_phi_from_a_le_phi_by_name(city):
    Fee.objects.create(version=city.version, name="Phí thẩm định", amount=1000)
    Fee.objects.create(version=city.version, name="PHI chứng thực", amount=1000)
    migration = importlib.import_module("onestop.catalog.migrations.0006_fee_charge")
    migration.guess_charge(apps, None)
    charges = dict(Fee.objects.values_list("name", "charge"))
    assert charges["Phí thẩm định"] == charges["PHI chứng thực"] == "phi"
    assert charges["Lệ phí"] == "le_phi"
