"""The outbox: written with the event, sent once, retried with back-off, nothing on rollback."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from onestop.accounts.models import User
from onestop.dossiers import services as svc
from onestop.notifications import services as notify
from onestop.notifications.models import Delivery, Notification
from onestop.notifications.services import preference_update
from onestop.notifications.tasks import deliver_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(db) -> User:
    return User.objects.create_user(username="citizen", password="x-pass-123",
                                    email="an@example.vn", phone="0912345678",
                                    full_name="Nguyễn Văn An")


def _received(city, citizen):
    d = svc.dossier_submit_online(filing=city.filing(account=citizen))
    return svc.dossier_receive(dossier_id=d.pk, officer=city.officer)


def test_receipt_writes_one_row_per_chosen_channel_in_the_citizens_language(city, citizen):
    preference_update(user=citizen, email=True, sms=True, in_app=True, push=False,
                      language="en")
    d = _received(city, citizen)
    rows = {r.channel: r for r in Delivery.objects.filter(dossier=d)}
    assert set(rows) == {"email", "sms", "in_app"}
    with translation.override("en"):
        assert rows["email"].subject == translation.gettext("Dossier %(code)s received") % {
            "code": d.code}
    assert rows["sms"].address == "0912345678"
    assert d.appointment_at is not None
    local = timezone.localtime(d.appointment_at)
    assert local.strftime("%H:%M %d/%m/%Y") in rows["email"].body


def test_counter_filer_without_account_or_email_gets_nothing(city):
    svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing())
    assert not Delivery.objects.exists()


def test_counter_filer_with_email_is_written_to_in_vietnamese(city):
    d = svc.dossier_intake_at_counter(officer=city.officer,
                                      filing=city.filing(email="binh@example.vn"))
    row = Delivery.objects.get(dossier=d)
    assert (row.channel, row.address, row.language) == ("email", "binh@example.vn", "vi")


def test_an_event_rolled_back_writes_and_sends_nothing(city, citizen,
                                                        django_capture_on_commit_callbacks):
    d = svc.dossier_submit_online(filing=city.filing(account=citizen))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            svc.dossier_receive(dossier_id=d.pk, officer=city.officer)
            assert Delivery.objects.filter(dossier=d).exists()  # written with the event…
            raise RuntimeError("the receipt fails after the outbox row was written")
    assert not Delivery.objects.filter(dossier=d).exists()  # …and gone with it
    assert callbacks == []  # no delivery task was enqueued
    assert DBTaskResult.objects.count() == 0
    assert mail.outbox == []


def test_committed_event_enqueues_its_delivery_task(city, citizen,
                                                    django_capture_on_commit_callbacks):
    d = svc.dossier_submit_online(filing=city.filing(account=citizen))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        svc.dossier_receive(dossier_id=d.pk, officer=city.officer)
    assert callbacks  # the enqueue waited for the commit
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("deliver_task")
    assert sorted(task.args_kwargs["args"][0]) == sorted(
        Delivery.objects.filter(dossier=d).values_list("pk", flat=True))


def test_a_delivery_task_run_twice_sends_once(city, citizen):
    d = _received(city, citizen)
    ids = list(Delivery.objects.filter(dossier=d).values_list("pk", flat=True))
    first = deliver_task.call(ids)
    second = deliver_task.call(ids)
    assert first == {"sent": 2}  # e-mail and in-app (defaults)
    assert second == {"sent": 2}  # already sent: nothing claimed, nothing sent again
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["an@example.vn"]
    assert Notification.objects.filter(user=citizen).count() == 1
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def test_recording_the_same_event_twice_writes_one_row(city, citizen):
    d = _received(city, citizen)
    before = Delivery.objects.count()
    with transaction.atomic():
        notify.notify_dossier_event(dossier=d, action="receive", at=timezone.now())
    assert Delivery.objects.count() == before


def test_a_row_claimed_by_a_live_worker_is_not_sent_by_another(city, citizen):
    d = _received(city, citizen)
    row = Delivery.objects.get(dossier=d, channel="email")
    now = timezone.now()
    Delivery.objects.filter(pk=row.pk).update(
        state="sending", claimed_until=now + datetime.timedelta(minutes=5))
    assert notify.deliver(delivery_id=row.pk, now=now) == "sending"
    assert mail.outbox == []
    # Once the lease has run out (the worker died), the row is taken over and sent.
    later = now + datetime.timedelta(minutes=6)
    assert notify.deliver(delivery_id=row.pk, now=later) == "sent"
    assert len(mail.outbox) == 1


def test_failures_are_retried_with_exponential_backoff_then_given_up(city, citizen, settings,
                                                                     monkeypatch):
    settings.ONESTOP_NOTIFY_MAX_ATTEMPTS = 3
    settings.ONESTOP_NOTIFY_RETRY_BASE = 60
    d = _received(city, citizen)
    row = Delivery.objects.get(dossier=d, channel="email")

    def broken(*args, **kwargs):
        raise OSError("SMTP server down")

    monkeypatch.setattr("onestop.notifications.channels.EmailMessage.send", broken)
    now = timezone.now()
    waits = []
    for _attempt in range(3):
        state = notify.deliver(delivery_id=row.pk, now=now)
        row.refresh_from_db()
        if state == "pending":
            waits.append(round((row.next_attempt_at - now).total_seconds() / 60))
            now = row.next_attempt_at
    assert waits == [1, 2]  # 60 s, then 120 s
    assert (row.state, row.attempts) == ("failed", 3)
    assert "SMTP server down" in row.last_error
    # The retries were enqueued for later, not run at once.
    assert DBTaskResult.objects.filter(run_after__isnull=False).count() == 2


def test_the_sender_is_told_when_their_feedback_is_answered(city):
    from onestop.feedback import services as fsvc

    fb = fsvc.feedback_submit(sender_name="Nguyễn Văn An", contact="an@example.vn",
                              subject="Chờ lâu", content="Tôi chờ quá lâu.",
                              consent_publish=False, procedure_code="1.001193")
    fsvc.feedback_answer(feedback_id=fb.pk, actor=city.leader, answer="Chúng tôi xin lỗi.")
    row = Delivery.objects.get(event="feedback_answered")
    assert (row.channel, row.address) == ("email", "an@example.vn")
    assert fb.code in row.subject
    deliver_task.call([row.pk])
    assert mail.outbox[0].to == ["an@example.vn"]
