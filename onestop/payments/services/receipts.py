"""Electronic receipts (biên lai điện tử): numbered per agency and year, PDF, e-mail."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from onestop.agencies.models import Agency
from onestop.core.formatting import digits, in_words, place_date, time_words
from onestop.core.sequences import next_in_sequence

from .. import hooks
from ..ereceipt import CHARGE_LABELS
from ..models import Payment, Receipt, ReceiptCounter, Refund
from .ereceipts import (
    enqueue_sign,
    printed_number,
    receipt_fields,
    receipt_sign,
    signed_receipt_pdf,
    verify_url,
)

logger = logging.getLogger(__name__)
VN_TZ = datetime.timezone(datetime.timedelta(hours=7))
EMAIL_RETRY_AFTER = datetime.timedelta(minutes=2)
EMAIL_MAX_ATTEMPTS = 10


def next_receipt_number(*, agency: Agency, year: int) -> tuple[str, int]:
    """<agency code>-BL-YYYY-000123, consecutive per agency and year, taken inside the settle
    transaction (onestop.core.sequences: a rolled-back settlement gives its number back)."""
    last = next_in_sequence(ReceiptCounter, agency=agency, year=year)
    return f"{agency.code}-BL-{year}-{last:06d}", last


def receipt_issue(*, payment: Payment, at: datetime.datetime, refund: Refund | None = None,
                  email_to: str = "") -> Receipt:
    year = at.astimezone(VN_TZ).year
    number, sequence = next_receipt_number(agency=payment.agency, year=year)
    receipt = Receipt.objects.create(
        number=number, agency=payment.agency, year=year, sequence=sequence,
        kind=Receipt.Kind.REFUND if refund else Receipt.Kind.PAYMENT, payment=payment,
        refund=refund, amount=refund.amount if refund else payment.paid_amount, issued_at=at,
        email_to=email_to, **receipt_fields(payment=payment, at=at),
    )
    enqueue_sign(receipt.pk)  # the signed XML and PDF, after this transaction (ereceipts.py)
    if email_to:
        enqueue_email(receipt.pk)
    return receipt


def enqueue_email(receipt_id: int) -> None:
    """Send the receipt by e-mail after the settlement commits, never before.

    With the database task backend the task row is written in the settle transaction itself
    (a transactional outbox: committed together or not at all, so a crash right after the
    commit loses nothing); with any other backend it is enqueued on commit. Either way the
    sweep (receipt_email_sweep) re-sends receipts still not e-mailed.
    """
    from ..tasks import receipt_email_task

    backend = settings.TASKS["default"]["BACKEND"]
    if backend == "django_tasks_db.DatabaseBackend":
        receipt_email_task.enqueue(receipt_id)
    else:
        transaction.on_commit(lambda: receipt_email_task.enqueue(receipt_id), robust=True)


def receipt_email_send(*, receipt_id: int) -> bool:
    """Send one receipt by e-mail, once: True when sent now, False if nothing to do."""
    with transaction.atomic():
        receipt = Receipt.objects.select_for_update().get(pk=receipt_id)
        if receipt.emailed_at is not None or not receipt.email_to:
            return False
        Receipt.objects.filter(pk=receipt_id).update(email_attempts=F("email_attempts") + 1)
    # Counted before sending so a receipt that always fails stops being retried.
    receipt = receipt_sign(receipt_id=receipt_id)  # the signed PDF is what is sent
    pdf = render_receipt_pdf(receipt)
    with override("vi"):
        subject = f"Biên lai điện tử {receipt.number}"
        body = (f"Kính gửi {receipt.payment.payer_name or 'Quý khách'},\n\n"
                f"{receipt.agency.name} gửi biên lai điện tử số {receipt.number} "
                f"cho khoản thanh toán {receipt.payment.reference}.\n")
    message = EmailMessage(subject=subject, body=body, to=[receipt.email_to])
    message.attach(f"{receipt.number}.pdf", pdf, "application/pdf")
    message.send(fail_silently=False)
    with transaction.atomic():
        updated = Receipt.objects.filter(pk=receipt_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now())
    return bool(updated)


def receipt_email_sweep(*, now: datetime.datetime) -> int:
    """Re-enqueue receipts not e-mailed a while after issue (the task failed or was lost)."""
    from ..tasks import receipt_email_task

    ids = list(Receipt.objects.filter(
        emailed_at__isnull=True, issued_at__lt=now - EMAIL_RETRY_AFTER,
        email_attempts__lt=EMAIL_MAX_ATTEMPTS,
    ).exclude(email_to="").values_list("pk", flat=True)[:500])
    for pk in ids:
        receipt_email_task.enqueue(pk)
    return len(ids)


# ---- PDF -------------------------------------------------------------------------------------

SANDBOX_WATERMARK = "SANDBOX – KHÔNG CÓ GIÁ TRỊ"
METHOD_LABELS = {
    "vietqr": "Chuyển khoản VietQR",
    "gateway": "Cổng thanh toán trực tuyến",
    "cash": "Tiền mặt tại quầy",
    "sandbox": "Thử nghiệm (sandbox)",
}


def receipt_context(receipt: Receipt) -> dict[str, Any]:
    payment = receipt.payment
    agency = receipt.agency
    items = [
        {"name": line.item.name, "quantity": line.item.quantity,
         "amount": digits(line.amount)}
        for line in payment.lines.select_related("item").order_by("id")
    ]
    status_url = settings.PUBLIC_BASE_URL + reverse("portal:pay", args=[payment.reference])
    subject = hooks.subject_of(payment)  # "Hồ sơ: <code>" for a dossier's fees
    from onestop.core.qr import qr_svg_data_uri

    return {
        "issuer_parent": agency.parent.name if agency.parent_id and agency.parent else "",
        "issuer": agency.name,
        "code": subject.code if subject else "",
        "place_date": place_date(receipt.issued_at),
        "watermark": SANDBOX_WATERMARK if payment.sandbox else "",
        "receipt": receipt,
        "refund": receipt.refund,
        "payment": payment,
        "items": items,
        "amount_digits": digits(receipt.amount),
        "amount_words": in_words(receipt.amount),
        "issued_words": time_words(receipt.issued_at),
        "method": METHOD_LABELS.get(payment.provider, payment.provider),
        # The QR opens the public verification page for this receipt's number.
        "qr": qr_svg_data_uri(verify_url(receipt.number)),
        "verify_url": verify_url(receipt.number),
        "status_url": status_url,
        "printed_number": printed_number(receipt),
        "charge_label": CHARGE_LABELS.get(receipt.charge, "Phí, lệ phí"),
    }


def render_receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt as issued: its signed PDF, else (no key, not signed yet) rendered."""
    signed = signed_receipt_pdf(Receipt.objects.select_related("signed_pdf").get(pk=receipt.pk))
    if signed is not None:
        return signed
    import weasyprint

    receipt = Receipt.objects.select_related(
        "payment", "agency__parent", "refund").get(pk=receipt.pk)
    with override("vi"):  # an official document: Vietnamese whatever the screen language
        html = render_to_string("payments/receipt.html", receipt_context(receipt))
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
