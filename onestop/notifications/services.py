"""Writing the outbox, delivering it, and what citizens change about their notifications.

The outbox is written inside the transaction of the event (dossier services call
`notify_dossier_event` from `record`), and the delivery task is enqueued with
`transaction.on_commit`: a rolled-back event leaves neither rows nor tasks. Delivery claims
each row with a conditional UPDATE before sending, so a task that runs twice (or two workers
that pick the same task) sends once.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import ValidationFailed

from .channels import DeliveryError, PermanentFailure, channel_for
from .models import (
    ChannelName,
    Delivery,
    Event,
    Notification,
    Preference,
    PushSubscription,
    ZaloConsent,
    ZaloTemplate,
)

logger = logging.getLogger("onestop.notifications")

# Dossier actions (onestop.dossiers.transitions.Action, plus "extend" from apology_sign)
# that citizens are told about, and the event each one is.
DOSSIER_EVENTS: dict[str, Event] = {
    "intake": Event.RECEIVED,
    "receive": Event.RECEIVED,
    "request_supplement": Event.SUPPLEMENT_REQUESTED,
    "request_payment": Event.PAYMENT_DUE,
    "approve": Event.RESULT_READY,
    "extend": Event.APOLOGY,
}


@dataclass(frozen=True)
class Recipient:
    """Where one event goes over one channel."""

    channel: str
    key: str  # stable identity for the uniqueness constraint
    address: str = ""
    user: Any | None = None


def preference_of(user: Any) -> Preference:
    """The user's saved choice, or the defaults (unsaved) when they never chose."""
    pref = Preference.objects.filter(user=user).first()
    return pref or Preference(user=user, language=settings.LANGUAGE_CODE)


def recipients_for(*, user: Any | None, email: str = "", phone: str = "") -> list[Recipient]:
    """Channels and addresses for one person: their preferences when they have an account;
    e-mail only when they do not (a counter filer who left an address)."""
    if user is None:
        return [Recipient(ChannelName.EMAIL, f"email:{email.lower()}", email)] if email else []
    pref = preference_of(user)
    out: list[Recipient] = []
    mail = getattr(user, "email", "") or email
    tel = getattr(user, "phone", "") or phone
    if pref.email and mail:
        out.append(Recipient(ChannelName.EMAIL, f"user:{user.pk}", mail, user))
    if pref.sms and tel:
        out.append(Recipient(ChannelName.SMS, f"user:{user.pk}", tel, user))
    if pref.in_app:
        out.append(Recipient(ChannelName.IN_APP, f"user:{user.pk}", "", user))
    if pref.push:
        for sub_id in PushSubscription.objects.filter(user=user).values_list("pk", flat=True):
            out.append(Recipient(ChannelName.PUSH, f"push:{sub_id}", str(sub_id), user))
    if pref.zalo and settings.ONESTOP_ZALO_URL:
        # Only with their consent on record, at the number they agreed to.
        consent = ZaloConsent.objects.filter(user=user, withdrawn_at=None).first()
        if consent is not None:
            out.append(Recipient(ChannelName.ZALO, f"user:{user.pk}", consent.phone, user))
    return out


def _zns_value(value: Any) -> str:
    """Template parameters are strings at Zalo: times in Vietnam time, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)[:200]


def zalo_payload(*, event: str, language: str, context: dict[str, Any]) -> dict[str, Any]:
    """The template id and parameters of a ZNS message, or {} when the city has no active
    template for this event (in this language, else in Vietnamese)."""
    templates = {t.language: t for t in ZaloTemplate.objects.filter(event=event, active=True)}
    template = templates.get(language) or templates.get(settings.LANGUAGE_CODE)
    if template is None:
        return {}
    data = {name: _zns_value(context.get(str(field))) for name, field in template.params.items()}
    return {"template_id": template.template_id, "template_data": data}


def render_message(*, event: str, channel: str, context: dict[str, Any],
                   language: str) -> tuple[str, str]:
    """(subject, body) from notifications/<event>/<channel>.txt (or default.txt), rendered in
    `language`. The template's first line is the subject, the rest the body."""
    template = select_template([f"notifications/{event}/{channel}.txt",
                                f"notifications/{event}/default.txt"])
    with translation.override(language):
        text = template.render(context).strip()
    subject, _sep, body = text.partition("\n")
    return subject.strip()[:300], "\n".join(line.strip() for line in body.strip().splitlines())


def notify(
    *, event: Event | str, event_key: str, recipients: Sequence[Recipient],
    context: dict[str, Any], link: str = "", dossier: Any | None = None,
    at: datetime.datetime | None = None,
) -> int:
    """Write the outbox rows of one event (inside the caller's transaction) and enqueue their
    delivery for after commit. Returns the number of rows written; an event key seen before
    writes nothing new (unique constraint, conflicts ignored)."""
    if not recipients:
        return 0
    at = at or timezone.now()
    rows = []
    # The people's languages in one query (an event has a row per channel, often per person).
    people = {r.user.pk for r in recipients if r.user is not None}
    languages = dict(Preference.objects.filter(user_id__in=people)
                     .values_list("user_id", "language")) if people else {}
    for r in recipients:
        language = (languages.get(r.user.pk, settings.LANGUAGE_CODE) if r.user is not None
                    else settings.LANGUAGE_CODE)
        payload: dict[str, Any] = {}
        if r.channel == ChannelName.ZALO:
            payload = zalo_payload(event=str(event), language=language,
                                   context={**context, "link": link})
            if not payload:
                continue  # no template registered for this event: nothing to send on Zalo
        subject, body = render_message(event=str(event), channel=r.channel,
                                       context={**context, "link": link}, language=language)
        rows.append(Delivery(
            event_key=event_key, event=str(event), channel=r.channel, recipient=r.key,
            user=r.user, dossier=dossier, address=r.address, language=language,
            subject=subject, body=body, link=link, created_at=at, next_attempt_at=at,
            payload=payload,
        ))
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(Delivery.objects.filter(event_key=event_key, state=Delivery.State.PENDING)
               .values_list("pk", flat=True))
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return len(ids)


def _enqueue(ids: list[int], run_after: datetime.datetime | None = None) -> None:
    from .tasks import deliver_task

    task = deliver_task.using(run_after=run_after) if run_after else deliver_task
    task.enqueue(ids)


def dossier_link(dossier: Any, *, for_applicant_account: bool = False) -> str:
    """Where a citizen's notice about a dossier points.

    The applicant's own account gets its dossier page (/ho-so-cua-toi/<pk>/, behind the
    sign-in: documents, supplements, payment); anyone else (a counter filer's e-mail) the
    public lookup with the code filled in, which shows no personal data.
    """
    if for_applicant_account:
        return settings.PUBLIC_BASE_URL + reverse("portal:my_dossier", args=[dossier.pk])
    return f"{settings.PUBLIC_BASE_URL}/tra-cuu/?{urlencode({'code': dossier.code or ''})}"


def clause(text: str) -> str:
    """Free text an officer typed, fit to sit inside a sentence of a notice: lines joined
    with "; " and no closing full stop (the notice's own sentence ends it, not "..")."""
    parts = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return "; ".join(parts).rstrip(" .;:")


def notify_dossier_event(
    *, dossier: Any, action: str, at: datetime.datetime, reason: str = "",
    data: dict[str, Any] | None = None, actor: Any | None = None,
) -> int:
    """Called by every dossier service (record) inside its transaction: tell the applicant
    about the changes citizens care about, and staff about a dossier arriving in their
    queue. Other actions write nothing."""
    written = 0
    if str(action) in STAFF_QUEUE_ACTIONS:
        written += notify_staff_queue_arrival(dossier=dossier, actor=actor, at=at)
    event = DOSSIER_EVENTS.get(str(action))
    if event is None:
        return written
    account = dossier.applicant if dossier.applicant_id else None
    recipients = recipients_for(user=account, email=dossier.applicant_email,
                                phone=dossier.applicant_phone)
    data = data or {}
    context = {
        "code": dossier.code or "", "procedure": dossier.procedure_version.name,
        "name": dossier.applicant_name, "appointment": dossier.appointment_at,
        "old_appointment": data.get("old_appointment"), "reason": clause(reason),
        "items": clause(data.get("items", "")), "amount": data.get("amount"),
        "centre": dossier.receiving_agency.name,
    }
    link = dossier_link(dossier, for_applicant_account=account is not None)
    return written + notify(event=event, event_key=f"dossier:{dossier.pk}:v{dossier.version}",
                            recipients=recipients, context=context, link=link,
                            dossier=dossier, at=at)


REMINDERS = {"result": Event.RESULT_REMINDER, "payment": Event.PAYMENT_REMINDER}


def notify_dossier_reminder(*, dossier: Any, kind: str, number: int, at: datetime.datetime,
                            amount: int | None = None) -> int:
    """Reminder `number` (1, 2, …) to the applicant that a result waits to be collected
    (kind "result") or fees are still owed ("payment"). The event key names the reminder,
    so sending it again (another worker, a second sweep) writes nothing."""
    account = dossier.applicant if dossier.applicant_id else None
    recipients = recipients_for(user=account, email=dossier.applicant_email,
                                phone=dossier.applicant_phone)
    context = {
        "code": dossier.code or "", "procedure": dossier.procedure_version.name,
        "name": dossier.applicant_name, "centre": dossier.receiving_agency.name,
        "amount": amount, "number": number,
    }
    link = dossier_link(dossier, for_applicant_account=account is not None)
    return notify(event=REMINDERS[kind], event_key=f"reminder:{kind}:{dossier.pk}:{number}",
                  recipients=recipients, context=context, link=link, dossier=dossier, at=at)


# ---- staff ----------------------------------------------------------------------------------

# Dossier actions after which the dossier sits in someone else's queue (the next step's
# agency and role, or the person it was given to).
STAFF_QUEUE_ACTIONS = frozenset({"hand_over", "assign"})


def staff_recipients(*, users: Iterable[Any]) -> list[Recipient]:
    """In the back-office feed always (it is where work is announced), and by e-mail when
    the staff member has an address and has not turned e-mail off."""
    out: list[Recipient] = []
    for user in users:
        out.append(Recipient(ChannelName.IN_APP, f"user:{user.pk}", "", user))
        if user.email and preference_of(user).email:
            out.append(Recipient(ChannelName.EMAIL, f"user:{user.pk}", user.email, user))
    return out


def _members(*, agency_id: int | None, role: str, actor: Any | None = None) -> list[Any]:
    from onestop.accounts.models import User

    if agency_id is None:
        return []
    users = User.objects.filter(is_active=True, memberships__agency_id=agency_id,
                                memberships__role=role).distinct().order_by("pk")
    if actor is not None and getattr(actor, "pk", None):
        users = users.exclude(pk=actor.pk)  # nobody is told about their own action
    return list(users)


def _backoffice_link(name: str, *args: Any) -> str:
    return settings.PUBLIC_BASE_URL + reverse(name, args=list(args))


def notify_staff_queue_arrival(*, dossier: Any, actor: Any | None,
                               at: datetime.datetime) -> int:
    """A dossier reached a step: tell its assignee, or everyone of the step's agency and
    role when nobody is named. Inside the caller's transaction, like every outbox write."""
    step = dossier.current_step
    if step is None or dossier.is_finished:
        return 0
    if step.assignee_id:
        assignee = step.assignee
        users = [] if actor is not None and assignee.pk == getattr(actor, "pk", None) \
            else [assignee]
    else:
        users = _members(agency_id=step.agency_id, role=step.role, actor=actor)
    context = {"code": dossier.code or "", "procedure": dossier.procedure_version.name,
               "step": step.name, "due": step.due_at, "assigned": bool(step.assignee_id)}
    return notify(event=Event.QUEUE_ARRIVAL,
                  event_key=f"staff:dossier:{dossier.pk}:v{dossier.version}",
                  recipients=staff_recipients(users=users), context=context,
                  link=_backoffice_link("backoffice:dossier", dossier.pk), dossier=dossier,
                  at=at)


def notify_apology_to_sign(*, letter: Any, at: datetime.datetime) -> int:
    """A draft apology (form 04) waits for a leader of the competent agency to sign it."""
    dossier = letter.dossier
    users = _members(agency_id=dossier.handling_agency_id, role="leader")
    context = {"code": dossier.code or "", "procedure": dossier.procedure_version.name,
               "appointment": letter.old_appointment_at,
               "proposed": letter.proposed_appointment_at}
    return notify(event=Event.APOLOGY_TO_SIGN, event_key=f"staff:apology:{letter.pk}:draft",
                  recipients=staff_recipients(users=users), context=context,
                  link=_backoffice_link("backoffice:apologies"), dossier=dossier, at=at)


def notify_payment_flagged(*, payment: Any, at: datetime.datetime, code: str = "",
                           record: Any | None = None) -> int:
    """A payment whose amount differed from what was owed waits for an officer of the
    collecting agency to decide (accept, refund the difference, or reject). `code` and
    `record`: what it pays for, as its client app describes it (a dossier and its code)."""
    users = _members(agency_id=payment.agency_id, role="officer")
    from onestop.core.formatting import digits

    context = {"reference": payment.reference, "amount": digits(payment.amount),
               "received": digits(payment.received_amount or 0), "code": code}
    # One notice per flagging: a payment rejected and then paid wrongly again is a new case.
    key = f"staff:payment:{payment.pk}:flagged:{payment.provider}:{payment.provider_txn_id}"
    return notify(event=Event.PAYMENT_FLAGGED, event_key=key[:120],
                  recipients=staff_recipients(users=users), context=context,
                  link=_backoffice_link("backoffice:payment", payment.reference),
                  dossier=record, at=at)


# ---- delivery -------------------------------------------------------------------------------

def backoff(attempts: int) -> datetime.timedelta:
    """Exponential back-off after the n-th failed attempt: base, 2×base, 4×base… capped."""
    base = settings.ONESTOP_NOTIFY_RETRY_BASE
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 24 * 3600))


def _claim(delivery_id: int, now: datetime.datetime) -> bool:
    """Take the row for this worker: one conditional UPDATE, so only one claimant wins."""
    lease = now + datetime.timedelta(seconds=settings.ONESTOP_NOTIFY_LEASE)
    due = Q(state=Delivery.State.PENDING, next_attempt_at__lte=now) | Q(
        state=Delivery.State.SENDING, claimed_until__lt=now)
    return Delivery.objects.filter(due, pk=delivery_id).update(
        state=Delivery.State.SENDING, claimed_until=lease, attempts=F("attempts") + 1
    ) == 1


def deliver(*, delivery_id: int, now: datetime.datetime | None = None) -> str:
    """Send one delivery if it is due and nobody else holds it; returns its state after.

    Sending happens outside any transaction (no lock is held while talking to a gateway).
    A failure schedules the next attempt with exponential back-off until the maximum number
    of attempts, after which the row is FAILED and staff see the last error.
    """
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return Delivery.objects.filter(pk=delivery_id).values_list("state", flat=True).first() \
            or "missing"
    delivery = Delivery.objects.get(pk=delivery_id)
    try:
        channel_for(delivery.channel).send(delivery)
    except DeliveryError as exc:
        permanent = isinstance(exc, PermanentFailure)
        exhausted = delivery.attempts >= settings.ONESTOP_NOTIFY_MAX_ATTEMPTS
        if permanent or exhausted:
            failed = Delivery.objects.filter(
                pk=delivery.pk, state=Delivery.State.SENDING).update(
                state=Delivery.State.FAILED, claimed_until=None, last_error=str(exc)[:2000])
            logger.warning("delivery %s failed for good: %s", delivery.pk, exc)
            if failed and delivery.channel == ChannelName.ZALO:
                fall_back_to_sms(delivery=delivery, reason=str(exc))
            return Delivery.State.FAILED
        retry_at = now + backoff(delivery.attempts)
        Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.SENDING).update(
            state=Delivery.State.PENDING, claimed_until=None, next_attempt_at=retry_at,
            last_error=str(exc)[:2000])
        _enqueue([delivery.pk], run_after=retry_at)
        return Delivery.State.PENDING
    Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.SENDING).update(
        state=Delivery.State.SENT, claimed_until=None, sent_at=timezone.now(), last_error="")
    return Delivery.State.SENT


def deliver_many(*, ids: Iterable[int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for pk in ids:
        state = deliver(delivery_id=pk)
        counts[state] = counts.get(state, 0) + 1
    return counts


def deliver_due(*, now: datetime.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send everything due (pending rows past their time, and rows whose claim expired when a
    worker died mid-send). Safe with several workers: each row is claimed before sending."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(
            Q(state=Delivery.State.PENDING, next_attempt_at__lte=now)
            | Q(state=Delivery.State.SENDING, claimed_until__lt=now)
        ).order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]
    )
    return deliver_many(ids=ids)


# ---- Zalo: falling back to SMS, the provider's callbacks, linking ---------------------------

@transaction.atomic
def fall_back_to_sms(*, delivery: Delivery, reason: str) -> Delivery | None:
    """Send a Zalo message that could not be delivered as an SMS instead (setting
    ONESTOP_ZALO_SMS_FALLBACK). The SMS row has the event's key, SMS channel and the same
    recipient: the outbox's unique constraint makes a second fallback (a callback repeated,
    a retry) write nothing, and a citizen who also chose SMS gets it once."""
    if not settings.ONESTOP_ZALO_SMS_FALLBACK:
        return None
    phone = delivery.address
    if delivery.user_id is not None:
        phone = getattr(delivery.user, "phone", "") or phone
    if not phone:
        return None
    text_subject, text_body = delivery.subject, delivery.body
    row = Delivery(event_key=delivery.event_key, event=delivery.event, channel=ChannelName.SMS,
                   recipient=delivery.recipient, user_id=delivery.user_id,
                   dossier_id=delivery.dossier_id, address=phone, language=delivery.language,
                   subject=text_subject, body=text_body, link=delivery.link,
                   last_error="", created_at=timezone.now())
    created = Delivery.objects.bulk_create([row], ignore_conflicts=True)
    sms = Delivery.objects.filter(event_key=delivery.event_key, channel=ChannelName.SMS,
                                  recipient=delivery.recipient).first()
    logger.info("Zalo delivery %s falls back to SMS (%s): %s", delivery.pk, reason,
                sms.pk if sms else None)
    if created and sms is not None and sms.state == Delivery.State.PENDING:
        sms_id = sms.pk
        transaction.on_commit(lambda: _enqueue([sms_id]))
    return sms


def zalo_callback(*, body: bytes, signature: str, now: datetime.datetime | None = None) -> Any:
    """One delivery-status callback from Zalo: checked (signature, age, known message),
    recorded with its outcome whatever it is, and applied once. Returns the record."""
    from . import zalo
    from .models import ZaloCallback

    now = now or timezone.now()
    Outcome = ZaloCallback.Outcome
    text = body.decode("utf-8", "replace")[:20000]

    def record(outcome: str, reason: str = "", **extra: Any) -> ZaloCallback:
        if outcome != Outcome.ACCEPTED:
            logger.warning("Zalo callback refused (%s): %s", outcome, reason)
        return ZaloCallback.objects.create(received_at=now, outcome=outcome, reason=reason,
                                           body=text, **extra)

    try:
        event = json.loads(body)
        timestamp = str(event["timestamp"])
        event_name = str(event.get("event_name", ""))
        message = event.get("message") or {}
        msg_id = str(message.get("msg_id", ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        return record(Outcome.INVALID, "not a Zalo event (JSON with a timestamp)")
    if not zalo.signature_ok(header=signature, body=body, timestamp=timestamp):
        return record(Outcome.FORGED, "X-ZEvent-Signature does not match",
                      event_name=event_name[:60], msg_id=msg_id[:100])
    try:
        sent_at = datetime.datetime.fromtimestamp(int(timestamp) / 1000, tz=datetime.UTC)
    except (ValueError, OverflowError):
        return record(Outcome.INVALID, "timestamp is not milliseconds since 1970")
    age = (now - sent_at).total_seconds()
    if abs(age) > settings.ONESTOP_ZALO_CALLBACK_MAX_AGE:
        return record(Outcome.STALE, f"timestamp {int(age)} s away from now",
                      event_name=event_name[:60], msg_id=msg_id[:100])
    status = ZALO_EVENTS.get(event_name)
    if status is None:
        return record(Outcome.INVALID, f"event {event_name!r} is not a delivery status",
                      event_name=event_name[:60], msg_id=msg_id[:100])
    delivery = Delivery.objects.filter(channel=ChannelName.ZALO,
                                       provider_message_id=msg_id).first() if msg_id else None
    if delivery is None:
        return record(Outcome.UNKNOWN, f"no Zalo message {msg_id!r} was sent from here",
                      event_name=event_name[:60], msg_id=msg_id[:100])
    with transaction.atomic():
        # Conditional: the first status wins, a repeated or late callback changes nothing.
        changed = Delivery.objects.filter(pk=delivery.pk, provider_status="").update(
            provider_status=status, provider_status_at=sent_at)
        if not changed:
            return record(Outcome.DUPLICATE, f"status already {delivery.provider_status!r}"
                          if delivery.provider_status else "status already recorded",
                          event_name=event_name[:60], msg_id=msg_id, delivery=delivery)
        if status == "failed":
            reason = str(message.get("error") or event.get("error") or "not delivered")
            Delivery.objects.filter(pk=delivery.pk).update(last_error=f"Zalo: {reason}"[:2000])
            fall_back_to_sms(delivery=delivery, reason=reason)
        return record(Outcome.ACCEPTED, event_name=event_name[:60], msg_id=msg_id,
                      delivery=delivery)


# Webhook events that carry a ZNS message's fate. `user_received_message` is Zalo's; the
# failure event is the stand-in's (docs/notifications.md: Zalo documents no such event).
ZALO_EVENTS = {"user_received_message": "delivered", "zns_message_failed": "failed"}


@transaction.atomic
def zalo_link(*, user: Any, phone: str, at: datetime.datetime | None = None) -> ZaloConsent:
    """The citizen agrees to get their notices on Zalo at this number: consent recorded
    with its time, the channel turned on."""
    from . import zalo

    normalised = zalo.normalise_phone(phone)
    if not normalised:
        raise ValidationFailed(_("Enter a Vietnamese mobile number, e.g. 0912 345 678."))
    at = at or timezone.now()
    ZaloConsent.objects.select_for_update().filter(user=user, withdrawn_at=None).update(
        withdrawn_at=at)
    consent = ZaloConsent.objects.create(user=user, phone=normalised, agreed_at=at)
    pref, _created = Preference.objects.select_for_update().get_or_create(
        user=user, defaults={"language": settings.LANGUAGE_CODE})
    pref.zalo = True
    pref.save()
    return consent


@transaction.atomic
def zalo_unlink(*, user: Any, at: datetime.datetime | None = None) -> int:
    """The citizen withdraws: nothing more is written for Zalo, and messages not yet sent
    are not sent (their rows fail with the reason)."""
    at = at or timezone.now()
    withdrawn = ZaloConsent.objects.filter(user=user, withdrawn_at=None).update(
        withdrawn_at=at)
    Preference.objects.filter(user=user).update(zalo=False)
    Delivery.objects.filter(user=user, channel=ChannelName.ZALO,
                            state=Delivery.State.PENDING).update(
        state=Delivery.State.FAILED, last_error="the citizen unlinked Zalo")
    return withdrawn


def zalo_consent_of(user: Any) -> ZaloConsent | None:
    return ZaloConsent.objects.filter(user=user, withdrawn_at=None).first()


# ---- what citizens change -------------------------------------------------------------------

@transaction.atomic
def preference_update(*, user: Any, email: bool, sms: bool, in_app: bool, push: bool,
                      language: str | None = None) -> Preference:
    if language is not None and language not in dict(settings.LANGUAGES):
        raise ValidationFailed(_("Choose Vietnamese or English."))
    pref, _created = Preference.objects.select_for_update().get_or_create(
        user=user, defaults={"language": settings.LANGUAGE_CODE})
    pref.email, pref.sms, pref.in_app, pref.push = email, sms, in_app, push
    if language is not None:
        pref.language = language
    pref.save()
    return pref


def notification_mark_read(*, user: Any, notification_id: int | None = None,
                           at: datetime.datetime | None = None) -> int:
    """Mark one of the user's notifications read (or all of them when no id is given)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=at or timezone.now())


@transaction.atomic
def push_subscription_register(*, user: Any, endpoint: str, p256dh: str, auth: str,
                               label: str = "") -> PushSubscription:
    """Register (or move to this user) an installed app's push subscription."""
    if not endpoint.startswith(("https://", "http://")):
        raise ValidationFailed(_("The push endpoint must be an HTTPS address."))
    if not p256dh.strip() or not auth.strip():
        raise ValidationFailed(_("The push subscription keys are missing."))
    sub, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh.strip(),
                                     "auth": auth.strip(), "label": label.strip()[:200]})
    return sub


def push_subscription_remove(*, user: Any, subscription_id: int) -> bool:
    return PushSubscription.objects.filter(user=user, pk=subscription_id).delete()[0] > 0


def notify_feedback_answered(*, feedback: Any, at: datetime.datetime) -> int:
    """Called by feedback_answer inside its transaction: tell the sender their feedback has
    an answer (their account's channels, or the e-mail address they left)."""
    email = feedback.contact if "@" in (feedback.contact or "") else ""
    account = feedback.sender if feedback.sender_id else None
    recipients = recipients_for(user=account, email=email)
    return notify(event=Event.FEEDBACK_ANSWERED, event_key=f"feedback:{feedback.pk}:answered",
                  recipients=recipients, context={"code": feedback.code},
                  link=settings.PUBLIC_BASE_URL + "/", at=at)
