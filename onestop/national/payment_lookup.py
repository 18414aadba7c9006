"""The national payment platform's look-up: what does the dossier with this code owe?

The platform (payer on the national portal: "pay the fees of dossier X") POSTs a JSON body
signed like its other messages (payments/providers/national.py, LOOKUP_FIELDS); we answer the
open fee lines, their total in whole đồng and the payment reference to confirm against (the
dossier's pending payment, reused, so asking twice never makes two), signed with
ANSWER_FIELDS where `fee_lines` is signed as its compact JSON. Refusals carry a reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from onestop.core.errors import DomainError
from onestop.dossiers import services as dsvc
from onestop.dossiers.models import Dossier
from onestop.dossiers.services.fees import open_items
from onestop.payments.providers import national
from onestop.payments.providers.base import BadSignature, Malformed

logger = logging.getLogger("onestop.security")


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


def refused(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"code": code, "message": message})


def lookup(body: bytes) -> Answer:
    """Verify the signed look-up and answer what the dossier owes (see the module docstring)."""
    if not national.enabled():
        return refused(404, "01", "The national payment platform is not enabled")
    try:
        data = national.json_object(body)
    except Malformed:
        return refused(400, "99", "The body must be a JSON object")
    try:
        valid = national.verify(national.LOOKUP_FIELDS, data)
    except BadSignature:  # the secret would derive from the published key
        valid = False
    if not valid:
        logger.warning("national payment look-up with a bad signature")
        return refused(401, "97", "Invalid signature")
    if str(data.get("merchant", "")) != settings.ONESTOP_NATIONAL_PAYMENT_MERCHANT:
        return refused(400, "99", "Look-up for another merchant")
    code = str(data.get("dossier_code", "")).strip()
    dossier = Dossier.objects.filter(code=code).first() if code else None
    if dossier is None:
        return refused(404, "01", "Unknown dossier code")
    items = open_items(dossier_id=dossier.pk)
    reference = ""
    if items:
        try:
            reference = dsvc.payment_for_dossier(dossier_id=dossier.pk,
                                                 provider="national").payment.reference
        except DomainError as exc:
            return refused(409, "05", str(exc))
    lines = [{"name": item.name, "amount": int(item.amount)} for item in items]
    answer = national.signed(national.ANSWER_FIELDS, {
        "merchant": settings.ONESTOP_NATIONAL_PAYMENT_MERCHANT, "dossier_code": dossier.code,
        "total": sum(line["amount"] for line in lines), "currency": "VND",
        "fee_lines": national.fee_lines_json(lines),
    })
    return Answer(200, {"code": "00", "message": "OK", **answer, "fee_lines": lines,
                        "total": int(answer["total"]), "reference": reference,
                        "payer_name": dossier.applicant_name})
