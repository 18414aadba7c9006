"""The citizen's notification page and the staff view of deliveries."""

from __future__ import annotations

import pytest
from django.test import Client

from onestop.accounts.services import citizen_sign_up
from onestop.dossiers import services as svc
from onestop.notifications.models import Notification, Preference
from onestop.notifications.tasks import deliver_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(db):
    return citizen_sign_up(full_name="Nguyễn Văn An", cccd="092090001234",
                           password="mat-khau-rat-dai-2026", phone="0912345678",
                           email="an@example.vn")


def test_a_citizen_chooses_channels_and_reads_the_feed(city, citizen):
    d = svc.dossier_submit_online(filing=city.filing(account=citizen))
    d = svc.dossier_receive(dossier_id=d.pk, officer=city.officer)
    deliver_task.call(list(d.deliveries.values_list("pk", flat=True)))
    client = Client()
    client.force_login(citizen)
    page = client.get("/tai-khoan/thong-bao/")
    assert page.status_code == 200
    assert Notification.objects.get(user=citizen).title in page.content.decode()
    r = client.post("/tai-khoan/thong-bao/", {"sms": "on", "in_app": "on", "language": "en"})
    assert r.status_code == 302
    pref = Preference.objects.get(user=citizen)
    assert (pref.email, pref.sms, pref.in_app, pref.push, pref.language) == (
        False, True, True, False, "en")
    client.post("/tai-khoan/thong-bao/", {"mark_read": "1"})
    assert not Notification.objects.filter(user=citizen, read_at__isnull=True).exists()


def test_the_page_needs_a_citizen_sign_in(db):
    assert Client().get("/tai-khoan/thong-bao/").status_code == 302


def test_staff_see_the_deliveries_of_a_dossier(city, citizen):
    d = svc.dossier_submit_online(filing=city.filing(account=citizen))
    d = svc.dossier_receive(dossier_id=d.pk, officer=city.officer)
    from django.template import Context, Template

    html = Template("{% load notifications %}{% dossier_deliveries dossier %}").render(
        Context({"dossier": d}))
    assert html.count("<tr>") == 1 + 2  # header, e-mail and in-app
