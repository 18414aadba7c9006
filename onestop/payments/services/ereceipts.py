"""E-receipts: what a receipt says, its signed XML and PDF, cancelling and replacing it.

`receipt_fields` fills the legal content when the receipt row is written (once, in the settle
or refund transaction: `receipts.receipt_issue`, exactly-once by the receipt's unique
constraint). `receipt_sign` makes, once, the XML signed by the collecting unit (XML-DSig) and
the PDF signed with its key (PAdES): run by a task enqueued in that same transaction (the
database task backend makes it an outbox) and before the receipt is e-mailed, so a slow key
store never holds the settlement's locks. `receipt_cancel` and `receipt_replace` keep the old
receipt, marked, and link the new one (docs/receipts.md).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from onestop.agencies.selectors import has_role
from onestop.core.audit import audit_append
from onestop.core.errors import InvalidTransition, NotAllowed, ValidationFailed
from onestop.core.formatting import in_words
from onestop.signatures.layout import render_with_slot
from onestop.signatures.selectors import signer_for, verify_url
from onestop.signatures.services import document_record, pdf_sign

from .. import ereceipt
from ..models import Payment, Receipt

VN_TZ = datetime.timezone(datetime.timedelta(hours=7))
# A receipt still unsigned this long after issue had its signing task fail or get lost.
SIGN_RETRY_AFTER = datetime.timedelta(minutes=10)


def printed_number(receipt: Receipt) -> str:
    """The receipt's number as printed in its series: seven digits."""
    return f"{receipt.sequence:07d}"


def _charge_of(payment: Payment) -> str:
    kinds = sorted({(line.item.fee.charge if line.item.fee_id and line.item.fee else "le_phi")
                    for line in payment.lines.select_related("item__fee")})
    return ",".join(kinds) or "le_phi"


def receipt_fields(*, payment: Payment, at: datetime.datetime) -> dict[str, Any]:
    """The content fixed when a receipt is issued: form symbol and series (the year's),
    collecting unit, its tax code, payer, and whether a lệ phí or a phí was collected."""
    year = at.astimezone(VN_TZ).year
    agency = payment.agency
    return {
        "form_symbol": settings.ONESTOP_RECEIPT_FORM_SYMBOL,
        "series": settings.ONESTOP_RECEIPT_SERIES.replace("{yy}", f"{year % 100:02d}"),
        "collector_name": agency.name,
        "collector_tax_code": agency.tax_code,
        "payer_name": payment.payer_name,
        "charge": _charge_of(payment),
    }


def enqueue_sign(receipt_id: int) -> None:
    """Sign the receipt after the settlement, in its own task (see the module's note)."""
    from ..tasks import receipt_sign_task

    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        receipt_sign_task.enqueue(receipt_id)
    else:
        transaction.on_commit(lambda: receipt_sign_task.enqueue(receipt_id), robust=True)


def _data(receipt: Receipt, context: dict[str, Any]) -> ereceipt.ReceiptData:
    lines = [ereceipt.Line(name=line.item.name, quantity=line.item.quantity,
                           amount=int(line.amount),
                           charge=line.item.fee.charge if line.item.fee_id and line.item.fee
                           else "le_phi")
             for line in receipt.payment.lines.select_related("item__fee").order_by("id")]
    old = receipt.replaces
    return ereceipt.ReceiptData(
        form_symbol=receipt.form_symbol, series=receipt.series,
        number=printed_number(receipt), issued_at=receipt.issued_at.astimezone(VN_TZ),
        collector_name=receipt.collector_name or receipt.agency.name,
        collector_tax_code=receipt.collector_tax_code,
        collector_address=receipt.agency.address, payer_name=receipt.payer_name,
        charge=receipt.charge, amount=int(receipt.amount),
        amount_words=in_words(receipt.amount), method=str(context.get("method", "")),
        reference=receipt.payment.reference, verify_url=verify_url(receipt.number),
        lines=[] if receipt.refund_id else lines, dossier_code=str(context.get("code", "")),
        replaces=(old.form_symbol, old.series, printed_number(old),
                  old.issued_at.astimezone(VN_TZ).date()) if old else None,
        refund_of=receipt.payment.reference if receipt.refund_id else "",
    )


def receipt_sign(*, receipt_id: int) -> Receipt:
    """Make the receipt's XML and signed PDF, once (idempotent under the receipt's lock).

    Without a key for the collecting unit the XML is kept unsigned and the PDF is rendered
    on demand; with ONESTOP_SIGNATURE_REQUIRED that is refused (the task is retried).
    """
    from .receipts import receipt_context

    with transaction.atomic():
        receipt = (Receipt.objects.select_for_update(of=("self",))
                   .select_related("payment", "agency__parent", "refund", "replaces")
                   .get(pk=receipt_id))
        if receipt.signed_at is not None:
            return receipt
        context = receipt_context(receipt)
        root = ereceipt.build(_data(receipt, context))
        signer = signer_for(agency=receipt.agency)
        if signer is None:
            if settings.ONESTOP_SIGNATURE_REQUIRED:
                from onestop.signatures.errors import SigningRefused

                raise SigningRefused(_("%(agency)s has no signing key registered."),
                                     agency=receipt.agency.name)
            receipt.xml = ereceipt.to_bytes(root).decode()
            receipt.save(update_fields=["xml"])
            return receipt
        from onestop.signatures.selectors import agency_key

        handle = agency_key(agency=receipt.agency)
        from cryptography.hazmat.primitives import serialization

        chain = [c.public_bytes(serialization.Encoding.PEM).decode()
                 for c in [handle.certificate, *handle.chain]]
        xml = ereceipt.sign(root, key=handle.private_key(), chain_pem=chain)
        pdf, slot = _render(receipt, context)
        signed = pdf_sign(pdf=pdf, signer=signer, slot=slot, reason="Biên lai thu phí, lệ phí")
        document = document_record(signed=signed, kind="receipt", reference=receipt.number,
                                   object_type="receipt", object_id=receipt.pk,
                                   title=f"Biên lai {receipt.series} số {printed_number(receipt)}")
        receipt.xml = xml.decode()
        receipt.signed_pdf = document
        receipt.signed_at = signed.signed_at
        receipt.save(update_fields=["xml", "signed_pdf", "signed_at"])
        return receipt


def _render(receipt: Receipt, context: dict[str, Any]) -> tuple[bytes, Any]:
    with override("vi"):  # an official document: Vietnamese whatever the screen language
        html = render_to_string("payments/receipt.html", {**context, "digital": True})
    return render_with_slot(html, base_url=str(settings.BASE_DIR))


def signed_receipt_pdf(receipt: Receipt) -> bytes | None:
    """The signed PDF as issued, or None while it is not signed."""
    if receipt.signed_pdf_id is None or receipt.signed_pdf is None:
        return None
    with receipt.signed_pdf.file.open("rb") as handle:
        return bytes(handle.read())


def _lock(receipt_id: int) -> Receipt:
    receipt = (Receipt.objects.select_for_update(of=("self",)).select_related("payment")
               .get(pk=receipt_id))
    if receipt.state != Receipt.State.ISSUED:
        raise InvalidTransition(_("This receipt was already cancelled or replaced."))
    return receipt


def _check_may_correct(receipt: Receipt, actor: Any) -> None:
    """Only the collecting unit corrects its receipts: a one-stop officer or a leader of the
    agency that issued it (docs/receipts.md; the unit that issues a receipt handles its errors,
    Decree 123/2020/NĐ-CP as amended — the article is one of the uncertain points there)."""
    if actor is None or not any(has_role(user=actor, agency_id=receipt.agency_id, role=role)
                                for role in ("officer", "leader")):
        raise NotAllowed(_("Only an officer or a leader of the collecting agency cancels or "
                           "replaces its receipts."))


def receipt_sign_sweep(*, now: datetime.datetime) -> int:
    """Sign again the receipts whose signing task failed or was lost (a token absent, a key
    store down): issued a while ago, neither signed nor rendered without a key."""
    ids = list(Receipt.objects.filter(
        signed_at__isnull=True, xml="", issued_at__lt=now - SIGN_RETRY_AFTER,
    ).order_by("issued_at").values_list("pk", flat=True)[:500])
    for pk in ids:
        enqueue_sign(pk)
    return len(ids)


def _check_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationFailed(_("Give the reason."))
    return reason.strip()[:500]


@transaction.atomic
def receipt_cancel(*, receipt_id: int, actor: Any, reason: str,
                   at: datetime.datetime | None = None) -> Receipt:
    """Cancel a receipt issued in error (the payment itself stands or is refunded apart);
    the receipt is kept, marked cancelled, and shows so wherever it is looked up."""
    at = at or timezone.now()
    reason = _check_reason(reason)
    receipt = _lock(receipt_id)
    _check_may_correct(receipt, actor)
    receipt.state = Receipt.State.CANCELLED
    receipt.cancelled_at = at
    receipt.cancel_reason = reason
    receipt.save(update_fields=["state", "cancelled_at", "cancel_reason"])
    audit_append(actor=actor, action="receipt.cancel", object_type="receipt",
                 object_id=receipt.pk, reason=reason, at=at, data={"number": receipt.number})
    return receipt


@transaction.atomic
def receipt_replace(*, receipt_id: int, actor: Any, reason: str, payer_name: str = "",
                    at: datetime.datetime | None = None) -> Receipt:
    """Replace a receipt with a wrong detail (the payer's name) by a new one with its own
    number that names the one it replaces; both are kept and linked."""
    from .receipts import next_receipt_number

    at = at or timezone.now()
    reason = _check_reason(reason)
    old = _lock(receipt_id)
    _check_may_correct(old, actor)
    if old.kind != Receipt.Kind.PAYMENT:
        raise ValidationFailed(_("Only a payment receipt can be replaced."))
    old.state = Receipt.State.REPLACED
    old.cancelled_at = at
    old.cancel_reason = reason
    old.save(update_fields=["state", "cancelled_at", "cancel_reason"])
    year = at.astimezone(VN_TZ).year
    number, sequence = next_receipt_number(agency=old.agency, year=year)
    fields = receipt_fields(payment=old.payment, at=at)
    fields["payer_name"] = payer_name.strip()[:200] or old.payer_name
    new = Receipt.objects.create(
        number=number, agency=old.agency, year=year, sequence=sequence, kind=old.kind,
        payment=old.payment, refund=None, amount=old.amount, issued_at=at,
        email_to=old.email_to, replaces=old, **fields)
    audit_append(actor=actor, action="receipt.replace", object_type="receipt",
                 object_id=old.pk, reason=reason, at=at,
                 data={"number": old.number, "replacement": new.number})
    enqueue_sign(new.pk)
    return new
