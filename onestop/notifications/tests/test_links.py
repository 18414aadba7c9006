"""Citizen notices point to the applicant's own dossier page when they have an account, and
the portal's menu leads signed-in citizens to their notifications."""

from __future__ import annotations

import pytest
from django.test import Client

from onestop.accounts.services import citizen_sign_up
from onestop.dossiers import services as svc
from onestop.notifications import services as notify
from onestop.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(db):
    return citizen_sign_up(full_name="Nguyễn Văn An", cccd="092090001234", phone="0912345678",
                           email="an@example.vn", password="mat-khau-rat-dai-2026")


def test_the_applicants_account_is_sent_to_its_own_dossier_page(city, citizen, settings):
    settings.PUBLIC_BASE_URL = "https://dichvucong.cantho.vn"
    d = svc.dossier_submit_online(filing=city.filing(account=citizen))
    svc.dossier_receive(dossier_id=d.pk, officer=city.officer)
    links = set(Delivery.objects.filter(dossier=d).values_list("link", flat=True))
    assert links == {f"https://dichvucong.cantho.vn/ho-so-cua-toi/{d.pk}/"}


def test_a_counter_filer_without_account_gets_the_public_lookup(city, settings):
    settings.PUBLIC_BASE_URL = "https://dichvucong.cantho.vn"
    d = svc.dossier_intake_at_counter(officer=city.officer,
                                      filing=city.filing(email="an@example.vn"))
    [row] = Delivery.objects.filter(dossier=d)
    assert row.link == f"https://dichvucong.cantho.vn/tra-cuu/?code={d.code}"


def test_signed_in_citizens_see_the_notifications_link_with_the_unread_count(city, citizen):
    d = svc.dossier_submit_online(filing=city.filing(account=citizen))
    svc.dossier_receive(dossier_id=d.pk, officer=city.officer)
    notify.deliver_due()
    assert Notification.objects.filter(user=citizen).count() == 1
    client = Client()
    assert 'href="/tai-khoan/thong-bao/"' not in client.get("/tra-cuu/").content.decode()
    client.force_login(citizen)
    # In the header's account links, beside the sign-out button (issue 16: one nav row).
    nav = client.get("/tra-cuu/").content.decode().split('class="account"')[1].split("</div>")[0]
    assert 'href="/tai-khoan/thong-bao/"' in nav and 'class="badge">1 ' in nav
    client.post("/tai-khoan/thong-bao/", {"mark_read": "1"})
    nav = client.get("/tra-cuu/").content.decode().split('class="account"')[1].split("</div>")[0]
    assert 'href="/tai-khoan/thong-bao/"' in nav and 'class="badge"' not in nav
