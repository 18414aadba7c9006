"""Staff are told when work waits for them: a dossier in their queue, an apology to sign,
a flagged payment to decide; and they read it on /backoffice/thong-bao/."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext, override

from onestop.catalog.models import ProcedureVersion
from onestop.dossiers import services as svc
from onestop.notifications import services as notify
from onestop.notifications.models import Delivery, Event, Notification
from onestop.payments import services as psvc
from onestop.payments.providers.base import Notice
from onestop.testing import make_user, vn

pytestmark = pytest.mark.django_db


def _received(city):
    return svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                         at=vn(2026, 3, 2, 8))


def _staff_rows(event: str) -> list[tuple[str, str]]:
    return sorted(Delivery.objects.filter(event=event).values_list("recipient", "channel"))


def test_a_hand_over_tells_the_next_steps_agency_and_role_but_not_the_actor(city):
    city.specialist.email = "cuong@tuphap.vn"
    city.specialist.save(update_fields=["email"])
    d = _received(city)
    svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 2, 9))
    # The specialist (in-app and e-mail); not the leader (other role) nor the officer.
    assert _staff_rows(Event.QUEUE_ARRIVAL) == [(f"user:{city.specialist.pk}", "email"),
                                                (f"user:{city.specialist.pk}", "in_app")]
    notify.deliver_due()
    notice = Notification.objects.get(user=city.specialist)
    assert d.code in notice.title
    assert notice.link.endswith(f"/backoffice/dossiers/{d.pk}/")
    assert mail.outbox[-1].to == ["cuong@tuphap.vn"]


def test_an_assignment_tells_only_the_assignee_and_once(city):
    d = _received(city)
    other = make_user("specialist2", "Ngô Thị Hoa", specialist=city.justice)
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 2, 9))
    assert {r for r, _c in _staff_rows(Event.QUEUE_ARRIVAL)} == {
        f"user:{city.specialist.pk}", f"user:{other.pk}"}
    Delivery.objects.all().delete()
    d = svc.dossier_assign(dossier_id=d.pk, actor=city.leader, assignee=other,
                           at=vn(2026, 3, 2, 10))
    assert _staff_rows(Event.QUEUE_ARRIVAL) == [(f"user:{other.pk}", "in_app")]
    # Recording the same event again writes nothing new (event × channel × recipient).
    with transaction.atomic():
        notify.notify_dossier_event(dossier=d, action="assign", at=timezone.now(),
                                    actor=city.leader)
    assert Delivery.objects.filter(event=Event.QUEUE_ARRIVAL).count() == 1


def test_a_draft_apology_tells_the_competent_agencys_leaders_once(city):
    from onestop.dossiers.services.deadlines import apology_prepare

    d = _received(city)
    letter = apology_prepare(dossier_id=d.pk, at=vn(2026, 3, 4, 9))
    assert letter is not None
    assert _staff_rows(Event.APOLOGY_TO_SIGN) == [(f"user:{city.leader.pk}", "in_app")]
    assert apology_prepare(dossier_id=d.pk, at=vn(2026, 3, 4, 10)) is None
    assert Delivery.objects.filter(event=Event.APOLOGY_TO_SIGN).count() == 1
    notify.deliver_due()
    assert Notification.objects.get(user=city.leader).link.endswith("/backoffice/apologies/")


def test_a_flagged_payment_tells_the_collecting_agencys_officers_once(city):
    version = city.version
    version.payment_timing = ProcedureVersion.PaymentTiming.BEFORE_PROCESSING
    version.save(update_fields=["payment_timing"])
    d = _received(city)
    payment = svc.payment_for_dossier(dossier_id=d.pk).payment
    half = Notice(reference=payment.reference, provider_txn_id="FT-HALF",
                  amount=payment.amount // 2, success=True)
    assert psvc.notice_apply(provider="vietqr", notice=half).outcome == "flagged"
    assert _staff_rows(Event.PAYMENT_FLAGGED) == [(f"user:{city.officer.pk}", "in_app")]
    assert psvc.notice_apply(provider="vietqr", notice=half).outcome == "duplicate"
    assert Delivery.objects.filter(event=Event.PAYMENT_FLAGGED).count() == 1
    notify.deliver_due()
    notice = Notification.objects.get(user=city.officer, event=Event.PAYMENT_FLAGGED)
    assert payment.reference in notice.title
    assert notice.link.endswith(f"/backoffice/payments/{payment.reference}/")


def test_an_event_rolled_back_tells_no_staff(city):
    d = _received(city)
    with pytest.raises(RuntimeError), transaction.atomic():
        svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer)
        raise RuntimeError("crash before commit")
    assert Delivery.objects.filter(event=Event.QUEUE_ARRIVAL).count() == 0


# ---- the back-office feed -------------------------------------------------------------------

@pytest.fixture
def specialist_with_a_notice(city) -> Notification:
    d = _received(city)
    svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 2, 9))
    notify.deliver_due()
    return Notification.objects.get(user=city.specialist)


def test_the_feed_shows_own_notices_and_the_header_counts_unread(city,
                                                                  specialist_with_a_notice):
    client = Client()
    client.force_login(city.specialist)
    page = client.get("/backoffice/thong-bao/")
    assert page.status_code == 200
    html = page.content.decode()
    assert specialist_with_a_notice.title in html
    with override("vi"):
        assert gettext("Notifications") in html
    assert 'href="/backoffice/thong-bao/"' in client.get("/backoffice/").content.decode()
    # Someone else's feed is empty; their header shows no count.
    other = Client()
    other.force_login(city.leader)
    assert specialist_with_a_notice.title not in other.get("/backoffice/thong-bao/") \
        .content.decode()


def test_opening_a_notice_marks_it_read_and_goes_to_the_dossier(city,
                                                                 specialist_with_a_notice):
    client = Client()
    client.force_login(city.specialist)
    n = specialist_with_a_notice
    r = client.post(f"/backoffice/thong-bao/{n.pk}/")
    assert r.status_code == 302 and r["Location"] == f"/backoffice/dossiers/{n.dossier_id}/"
    n.refresh_from_db()
    assert n.read_at is not None
    # Another staff member cannot open (or mark) it.
    other = Client()
    other.force_login(city.leader)
    assert other.post(f"/backoffice/thong-bao/{n.pk}/").status_code == 404


def test_mark_all_read_and_citizens_are_kept_out(city, specialist_with_a_notice):
    client = Client()
    client.force_login(city.specialist)
    assert client.post("/backoffice/thong-bao/").status_code == 302
    assert Notification.objects.filter(user=city.specialist, read_at__isnull=True).count() == 0
    assert Client().get("/backoffice/thong-bao/").status_code == 302  # to the sign-in
    citizen = make_user("citizen", "Nguyễn Văn An")
    c = Client()
    c.force_login(citizen)
    assert c.get("/backoffice/thong-bao/").status_code == 403


def test_the_header_count_follows_unread_notices(city, specialist_with_a_notice):
    client = Client()
    client.force_login(city.specialist)
    with override("vi"):
        marker = gettext("Notifications")
    header = client.get("/backoffice/").content.decode().split('class="who"')[1]
    header = header.split("</div>")[0]
    assert marker in header and 'class="badge badge--soon">1 ' in header
    client.post("/backoffice/thong-bao/")
    html = client.get("/backoffice/").content.decode()
    assert 'class="badge badge--soon"' not in html.split('class="who"')[1].split("</div>")[0]
