"""Staff and citizens never share a sign-in page or session rules."""

from __future__ import annotations

import time

import pytest
from django.core import mail

from onestop.accounts.sessions import AUDIENCE_KEY, LAST_SEEN_KEY

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

CITIZEN_LOGIN = "/tai-khoan/dang-nhap/"
STAFF_LOGIN = "/backoffice/login/"


@pytest.mark.parametrize("identifier", ["0900000001", "0900 000 001", "hoa@example.com",
                                        "HOA@Example.com"])
def test_citizens_sign_in_with_phone_or_email(client, citizen, identifier):
    response = client.post(CITIZEN_LOGIN, {"username": identifier, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/ho-so-cua-toi/"
    assert int(client.session["_auth_user_id"]) == citizen.pk


def test_a_wrong_password_is_refused(client, citizen):
    response = client.post(CITIZEN_LOGIN, {"username": "0900000001", "password": "nope"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()


def test_citizens_cannot_use_the_staff_sign_in(client, citizen):
    response = client.post(STAFF_LOGIN, {"username": citizen.username, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    errors = response.context["form"].non_field_errors()
    assert errors and "/tai-khoan/dang-nhap/" in errors[0]


def test_staff_cannot_use_the_citizen_sign_in(client, city):
    response = client.post(CITIZEN_LOGIN, {"username": "officer", "password": "test-pass-123"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()


def test_staff_still_sign_in_on_the_staff_page(client, city):
    response = client.post(STAFF_LOGIN, {"username": "officer", "password": "test-pass-123"})
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == city.officer.pk


def test_session_rules_differ(client, city, citizen):
    client.post(CITIZEN_LOGIN, {"username": "0900000001", "password": PASSWORD})
    assert client.session[AUDIENCE_KEY] == "citizen"
    assert client.session.get_expiry_age() == 14 * 24 * 3600
    assert not client.session.get_expire_at_browser_close()
    client.logout()
    client.post(STAFF_LOGIN, {"username": "officer", "password": "test-pass-123"})
    assert client.session[AUDIENCE_KEY] == "staff"
    assert client.session.get_expire_at_browser_close()


def test_staff_are_signed_out_after_the_idle_limit(client, city, settings):
    client.post(STAFF_LOGIN, {"username": "officer", "password": "test-pass-123"})
    assert client.get("/backoffice/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.ONESTOP_STAFF_IDLE_SECONDS - 5
    session.save()
    response = client.get("/backoffice/")
    assert response.status_code == 302 and response["Location"].startswith(STAFF_LOGIN)
    assert "_auth_user_id" not in client.session


def test_citizens_are_not_signed_out_when_idle(client, citizen, settings):
    client.post(CITIZEN_LOGIN, {"username": "0900000001", "password": PASSWORD})
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.ONESTOP_STAFF_IDLE_SECONDS - 5
    session.save()
    assert client.get("/ho-so-cua-toi/").status_code == 200


def test_staff_signed_in_get_a_citizens_only_page_on_citizen_pages(client, city):
    client.force_login(city.officer)
    assert client.get("/ho-so-cua-toi/").status_code == 403


def test_anonymous_visitors_are_sent_to_the_citizen_sign_in(client, db):
    response = client.get("/ho-so-cua-toi/")
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/dang-nhap/?next=/ho-so-cua-toi/"


def test_password_reset_mails_a_link_to_citizens_only(client, citizen, city):
    city.officer.email = "officer@example.com"
    city.officer.save()
    client.post("/tai-khoan/quen-mat-khau/", {"email": "officer@example.com"})
    assert mail.outbox == []
    response = client.post("/tai-khoan/quen-mat-khau/", {"email": "hoa@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/tai-khoan/dat-lai-mat-khau/" in mail.outbox[0].body
    link = next(w for w in mail.outbox[0].body.split() if "/dat-lai-mat-khau/" in w)
    page = client.get(link, follow=True)
    assert page.context["validlink"]
    new = "mot-mat-khau-moi-2026"
    done = client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(new)
