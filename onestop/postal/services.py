"""The postal rules: choosing delivery by post, handing the result over, applying callbacks.

Every service runs in transactions that take their locks in the project's one order
(docs/lock-order.md): the dossier (dossiers.services._base.lock_dossier) → its shipment →
the delivery fee item (insert/update) → the audit head (through `record`) → outbox rows.
The postal service is called between two transactions, never while a lock is held: a slow
or timed-out postal service never keeps a dossier locked.
"""

from __future__ import annotations

import datetime
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Role
from onestop.agencies.selectors import has_role
from onestop.core.clock import now_or
from onestop.core.errors import NotAllowed, ValidationFailed
from onestop.dossiers.models import Dossier, DossierFeeItem, ResultDelivery, Status
from onestop.dossiers.permissions import authorize
from onestop.dossiers.services._base import lock_dossier, record
from onestop.dossiers.transitions import Action
from onestop.payments.models import FeeItem

from . import providers
from .models import ACTIVE, FINAL, Callback, DeliveryAddress, Shipment

logger = logging.getLogger("onestop.postal")

# A result can still be sent by post until it has been returned (or processing ended
# without one): these statuses close the choice.
CLOSED = (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED)
# What each callback status moves the shipment to; a final shipment takes no more moves.
MOVES = {
    "accepted": Shipment.Status.ACCEPTED, "in_transit": Shipment.Status.IN_TRANSIT,
    "delivered": Shipment.Status.DELIVERED, "failed": Shipment.Status.FAILED,
    "returned": Shipment.Status.RETURNED,
}


@dataclass(frozen=True)
class Address:
    recipient: str
    phone: str
    address: str
    province: str


def clean_address(a: Address) -> Address:
    out = Address(recipient=a.recipient.strip(), phone=a.phone.replace(" ", "").strip(),
                  address=a.address.strip(), province=a.province.strip())
    if not (out.recipient and out.address and out.province):
        raise ValidationFailed(_("Give the recipient, the delivery address and the province."))
    digits = out.phone.lstrip("+")
    if not (digits.isdigit() and 9 <= len(digits) <= 12):
        raise ValidationFailed(_("Give the recipient's phone number (digits only)."))
    return out


def provider_name() -> str:
    return str(settings.ONESTOP_POSTAL_PROVIDER)


def default_fee() -> int:
    return int(settings.ONESTOP_POSTAL_FEE)


def _may_choose(dossier: Dossier, actor: Any) -> bool:
    if actor is None:
        return False
    if dossier.applicant_id is not None and dossier.applicant_id == getattr(actor, "pk", None):
        return True
    # An officer of the receiving centre records it for the applicant (at the counter).
    return has_role(user=actor, agency_id=dossier.receiving_agency_id, role=Role.OFFICER)


def save_address(dossier: Dossier, address: Address, *, at: datetime.datetime) -> None:
    """Inside the caller's transaction (intake, or delivery_choose below)."""
    DeliveryAddress.objects.update_or_create(dossier=dossier, defaults={
        "recipient": address.recipient, "phone": address.phone, "address": address.address,
        "province": address.province, "updated_at": at})


@transaction.atomic
def delivery_choose(*, dossier_id: int, actor: Any, address: Address,
                    at: datetime.datetime | None = None) -> Dossier:
    """The applicant (or an officer for them) asks for the result by post, to `address`."""
    at = now_or(at)
    address = clean_address(address)
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=None)
    if not _may_choose(dossier, actor):
        raise NotAllowed()
    if dossier.status in CLOSED:
        raise ValidationFailed(_("The result of this dossier can no longer be sent by post."))
    if Shipment.objects.filter(dossier=dossier, status__in=ACTIVE + FINAL).exists():
        raise ValidationFailed(_("The result has already been handed to the postal service."))
    save_address(dossier, address, at=at)
    dossier.result_delivery = ResultDelivery.POST
    record(dossier=dossier, action="postal_chosen", actor=actor, from_status=dossier.status,
           fields=["result_delivery"], at=at,
           reason=f"{address.recipient}, {address.address}, {address.province}")
    return dossier


def hand_over(*, dossier_id: int, officer: Any, fee: int | None = None,
              provider: str | None = None, at: datetime.datetime | None = None) -> Shipment:
    """The officer hands the result to the postal service: a shipment with the address,
    the dossier code and the delivery fee (a fee item the citizen pays like any fee), then
    the postal service's order; its tracking code goes on the shipment and the timeline.

    A refused address or an unreachable postal service leaves the shipment refused or in
    error with the reason, the fee item cancelled, and tells the officer (ValidationFailed).
    """
    at = now_or(at)
    name = provider or provider_name()
    client = providers.get(name)
    shipment = _open_shipment(dossier_id=dossier_id, officer=officer, fee=fee, name=name, at=at)
    dossier = shipment.dossier
    order = providers.Order(
        dossier_code=dossier.code or "", recipient=shipment.recipient, phone=shipment.phone,
        address=shipment.address, province=shipment.province, fee=shipment.fee_amount,
        sender_name=dossier.receiving_agency.name,
        sender_address=dossier.receiving_agency.address or dossier.receiving_agency.name,
        contents=str(_("Result of dossier %(code)s") % {"code": dossier.code}))
    try:
        created = client.create(order)
    except providers.Refused as exc:
        _close_shipment(shipment.pk, Shipment.Status.REFUSED, str(exc), officer, at)
        raise ValidationFailed(_("The postal service refused the shipment: %(reason)s"),
                               reason=str(exc)) from exc
    except providers.Unavailable as exc:
        _close_shipment(shipment.pk, Shipment.Status.ERROR, str(exc), officer, at)
        raise ValidationFailed(_("The result was not handed over: %(reason)s Try again later."),
                               reason=str(exc)) from exc
    return _shipment_created(shipment.pk, created, officer, at)


@transaction.atomic
def _open_shipment(*, dossier_id: int, officer: Any, fee: int | None, name: str,
                   at: datetime.datetime) -> Shipment:
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=None)
    authorize(action=Action.RETURN_RESULT, dossier=dossier, user=officer)
    if dossier.status != Status.RESULT_READY:
        raise ValidationFailed(_("Only a ready result can be handed to the postal service."))
    if dossier.result_delivery != ResultDelivery.POST:
        raise ValidationFailed(_("The applicant has not asked for the result by post."))
    address = DeliveryAddress.objects.filter(dossier=dossier).first()
    if address is None:
        raise ValidationFailed(_("The dossier has no delivery address."))
    if Shipment.objects.select_for_update().filter(dossier=dossier,
                                                   status__in=ACTIVE + FINAL).exists():
        raise ValidationFailed(_("The result has already been handed to the postal service."))
    amount = default_fee() if fee is None else fee
    if type(amount) is not int or amount < 0:
        raise ValidationFailed(_("The delivery fee must be a whole number of đồng, 0 or more."))
    shipment = Shipment.objects.create(
        dossier=dossier, provider=name, recipient=address.recipient, phone=address.phone,
        address=address.address, province=address.province, fee_amount=amount,
        created_by=officer, created_at=at, updated_at=at)
    if amount > 0:
        # The delivery fee is one more fee item of the dossier: paid like any fee.
        item = FeeItem.objects.create(
            agency_id=dossier.receiving_agency_id, source=FeeItem.Source.OTHER,
            name=str(_("Postal delivery of the result")), unit_amount=amount, quantity=1,
            amount=amount, created_at=at)
        DossierFeeItem.objects.create(dossier=dossier, item=item)
        shipment.fee_item = item
        shipment.save(update_fields=["fee_item"])
    return shipment


def _lock_shipment(shipment_id: int) -> tuple[Dossier, Shipment]:
    dossier_id = Shipment.objects.values_list("dossier_id", flat=True).get(pk=shipment_id)
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=None)
    shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
    return dossier, shipment


@transaction.atomic
def _close_shipment(shipment_id: int, status: str, reason: str, officer: Any,
                    at: datetime.datetime) -> None:
    dossier, shipment = _lock_shipment(shipment_id)
    shipment.status, shipment.reason, shipment.updated_at = status, reason[:400], at
    shipment.save(update_fields=["status", "reason", "updated_at"])
    if shipment.fee_item_id:
        FeeItem.objects.filter(pk=shipment.fee_item_id, state=FeeItem.State.OPEN).update(
            state=FeeItem.State.CANCELLED)
    if status == Shipment.Status.REFUSED:
        record(dossier=dossier, action="postal_refused", actor=officer,
               from_status=dossier.status, fields=[], at=at, reason=reason[:400])


@transaction.atomic
def _shipment_created(shipment_id: int, created: providers.Created, officer: Any,
                      at: datetime.datetime) -> Shipment:
    dossier, shipment = _lock_shipment(shipment_id)
    shipment.status, shipment.tracking_code = Shipment.Status.HANDED_OVER, created.tracking_code
    shipment.updated_at = at
    shipment.save(update_fields=["status", "tracking_code", "updated_at"])
    record(dossier=dossier, action="postal_handed_over", actor=officer,
           from_status=dossier.status, fields=[], at=at,
           reason=str(_("Tracking code %(code)s") % {"code": created.tracking_code}),
           data={"tracking_code": created.tracking_code, "provider": shipment.provider,
                 "fee": shipment.fee_amount})
    return shipment


# ---- callbacks -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    status: int  # the HTTP status to answer the postal service
    outcome: str
    reason: str = ""


def _log(provider: str, body: bytes, outcome: str, reason: str, at: datetime.datetime,
         event: providers.Event | None = None, shipment: Shipment | None = None) -> None:
    Callback.objects.create(
        provider=provider, received_at=at, outcome=outcome, reason=reason[:400],
        body=body.decode("utf-8", "replace")[:4000], shipment=shipment,
        event_id=event.event_id if event else "", status=event.status if event else "",
        tracking_code=event.tracking_code if event else "")
    if outcome != Callback.Outcome.APPLIED:
        logger.warning("postal callback %s: %s", outcome, reason)


def callback_receive(*, provider: str, body: bytes, headers: Any,
                     at: datetime.datetime | None = None) -> Outcome:
    """Verify and apply one status callback. Whatever it is, it is recorded (Callback), with
    the reason when it is refused; refused ones show to officers on the postal page."""
    at = now_or(at)
    try:
        client = providers.get(provider)
    except LookupError:
        return Outcome(404, "unknown_provider", "no such provider")
    try:
        event = client.parse_callback(body, headers)
    except providers.BadSignature as exc:
        reason = str(exc)
        outcome = (Callback.Outcome.REPLAYED if "window" in reason
                   else Callback.Outcome.FORGED)
        _log(provider, body, outcome, reason, at)
        return Outcome(401, outcome, reason)
    except providers.Malformed as exc:
        _log(provider, body, Callback.Outcome.MALFORMED, str(exc), at)
        return Outcome(400, Callback.Outcome.MALFORMED, str(exc))
    shipment = Shipment.objects.filter(provider=provider,
                                       tracking_code=event.tracking_code).first()
    if shipment is None:
        _log(provider, body, Callback.Outcome.UNKNOWN, "no shipment with this tracking code",
             at, event)
        return Outcome(404, Callback.Outcome.UNKNOWN, "unknown shipment")
    try:
        return _apply(shipment.pk, provider, body, event, at)
    except IntegrityError:
        # The same event applied by a concurrent delivery of it: a replay.
        _log(provider, body, Callback.Outcome.REPLAYED, "event already applied", at, event,
             shipment)
        return Outcome(200, Callback.Outcome.REPLAYED, "event already applied")


@transaction.atomic
def _apply(shipment_id: int, provider: str, body: bytes, event: providers.Event,
           at: datetime.datetime) -> Outcome:
    dossier, shipment = _lock_shipment(shipment_id)
    if Callback.objects.filter(provider=provider, event_id=event.event_id,
                               outcome=Callback.Outcome.APPLIED).exists():
        _log(provider, body, Callback.Outcome.REPLAYED, "event already applied", at, event,
             shipment)
        # 200: the postal service stops re-sending; nothing changes.
        return Outcome(200, Callback.Outcome.REPLAYED, "event already applied")
    if shipment.status in FINAL or shipment.status not in (*ACTIVE, Shipment.Status.FAILED):
        reason = f"shipment already {shipment.status}"
        _log(provider, body, Callback.Outcome.IGNORED, reason, at, event, shipment)
        return Outcome(200, Callback.Outcome.IGNORED, reason)
    with transaction.atomic():  # the unique constraint: one applied row per event
        _log(provider, body, Callback.Outcome.APPLIED, "", at, event, shipment)
    shipment.status, shipment.updated_at = MOVES[event.status], at
    shipment.reason = event.note[:400] if event.status in ("failed", "returned") else ""
    shipment.save(update_fields=["status", "reason", "updated_at"])
    reason = str(_("Tracking code %(code)s") % {"code": shipment.tracking_code})
    if event.note and event.status in ("failed", "returned"):
        reason += f": {event.note}"
    fields: list[str] = []
    from_status = dossier.status
    if event.status == "delivered" and dossier.status == Status.RESULT_READY:
        # Delivered by post is the result returned (status 10), at the delivery time.
        dossier.status, dossier.returned_at = Status.RETURNED, at
        fields = ["status", "returned_at"]
    record(dossier=dossier, action=f"postal_{event.status}", actor=None,
           from_status=from_status, fields=fields, at=at, reason=reason,
           data={"tracking_code": shipment.tracking_code, "event_id": event.event_id})
    return Outcome(200, Callback.Outcome.APPLIED)


def callbacks_refused() -> list[Callback]:
    """The callbacks an officer should look at (refused or out of order), newest first."""
    return list(Callback.objects.exclude(outcome=Callback.Outcome.APPLIED)
                .filter(seen_by_officer=False).select_related("shipment")[:200])


def body_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None
