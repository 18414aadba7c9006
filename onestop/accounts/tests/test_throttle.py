"""Sign-in, password reset and sign-up are throttled by account and by address, on every
surface at once; lock-outs are audited and an agency admin lifts them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from onestop.accounts.models import Lockout
from onestop.agencies.models import Role
from onestop.agencies.services import staff_role_grant
from onestop.core.models import AuditEvent

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

CITIZEN_LOGIN = "/tai-khoan/dang-nhap/"
STAFF_LOGIN = "/backoffice/login/"
RESET = "/tai-khoan/quen-mat-khau/"
SIGN_UP = "/tai-khoan/dang-ky/"


@pytest.fixture(autouse=True)
def _counted_in_the_database(settings):
    settings.ONESTOP_REDIS_URL = ""


def _errors(response) -> str:
    return " ".join(response.context["form"].non_field_errors())


def test_forty_wrong_passwords_then_the_right_one_does_not_sign_a_citizen_in(client, citizen):
    for _ in range(40):
        client.post(CITIZEN_LOGIN, {"username": "0900000001", "password": "doan-mo"})
    response = client.post(CITIZEN_LOGIN, {"username": "0900000001", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    with translation.override("vi"):
        assert "15 phút" in _errors(response)


def test_forty_wrong_passwords_then_the_right_one_does_not_sign_staff_in(client, city):
    for _ in range(40):
        client.post(STAFF_LOGIN, {"username": "officer", "password": "doan-mo"})
    response = client.post(STAFF_LOGIN, {"username": "officer", "password": "test-pass-123"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "15" in _errors(response)


def test_the_limit_is_five_failures_per_account_and_a_success_starts_again(client, citizen):
    for _ in range(4):
        client.post(CITIZEN_LOGIN, {"username": "0900000001", "password": "doan-mo"})
    ok = client.post(CITIZEN_LOGIN, {"username": "hoa@example.com", "password": PASSWORD})
    assert ok.status_code == 302
    client.post("/tai-khoan/dang-xuat/")
    for _ in range(4):  # four more: the success above started the count again
        client.post(CITIZEN_LOGIN, {"username": "0900000001", "password": "doan-mo"})
    assert client.post(CITIZEN_LOGIN, {"username": "0900000001",
                                       "password": PASSWORD}).status_code == 302
    assert not Lockout.objects.exists()


def test_phone_and_email_of_one_citizen_share_one_count(client, citizen):
    for login in ["0900000001", "hoa@example.com", "0900 000 001", "HOA@example.com",
                  "+84900000001"]:
        client.post(CITIZEN_LOGIN, {"username": login, "password": "doan-mo"})
    lock = Lockout.objects.get(by=Lockout.By.ACCOUNT)
    assert lock.key == f"user:{citizen.pk}"
    response = client.post(CITIZEN_LOGIN, {"username": "hoa@example.com", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_an_unknown_login_is_locked_out_like_a_real_one(client, citizen):
    answers = []
    for login in ["0900000001", "0911111111"]:  # an account, and a phone with no account
        for _ in range(6):
            response = client.post(CITIZEN_LOGIN, {"username": login, "password": "doan-mo"})
        answers.append(_errors(response))
    assert answers[0] == answers[1]  # the lock-out tells nothing about the account


def test_an_address_trying_many_accounts_is_locked_out(city, settings):
    settings.ONESTOP_THROTTLE_SIGNIN_ADDRESS = 10
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(10):
        attacker.post(STAFF_LOGIN, {"username": f"guess{i}", "password": "doan-mo"})
    response = attacker.post(STAFF_LOGIN, {"username": "officer", "password": "test-pass-123"})
    assert response.status_code == 200 and "_auth_user_id" not in attacker.session
    lock = Lockout.objects.get(by=Lockout.By.ADDRESS)
    assert lock.label == "203.0.113.9"
    # Another address is not affected.
    other = Client(REMOTE_ADDR="203.0.113.10")
    assert other.post(STAFF_LOGIN, {"username": "officer",
                                    "password": "test-pass-123"}).status_code == 302


def test_failures_on_the_web_lock_the_api_sign_in_too(client, citizen):
    for _ in range(5):
        client.post(CITIZEN_LOGIN, {"username": "0900000001", "password": "doan-mo"})
    r = Client().post("/api/v1/auth/token", {"login": "0900000001", "password": PASSWORD},
                      content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 429 and r.json()["code"] == "throttled"
    assert "minutes" in r.json()["message"]
    assert 800 < int(r["Retry-After"]) <= 900


def test_failures_on_the_staff_api_lock_the_staff_page(client, city):
    for _ in range(5):
        r = client.post("/api/v1/auth/staff/token", {"login": "officer", "password": "x"},
                        content_type="application/json")
    assert r.status_code == 401
    response = client.post(STAFF_LOGIN, {"username": "officer", "password": "test-pass-123"})
    assert "_auth_user_id" not in client.session and _errors(response)


def test_a_lock_out_is_audited_and_an_agency_admin_lifts_it(client, citizen, city):
    for _ in range(5):
        client.post(CITIZEN_LOGIN, {"username": "0900000001", "password": "doan-mo"})
    lock = Lockout.objects.get()
    event = AuditEvent.objects.get(action="security.lockout")
    assert (event.object_id, event.data["by"], event.data["label"]) == (
        str(lock.pk), "account", "0900000001")

    admin = city.admin
    staff_role_grant(user=admin, agency=city.centre, role=Role.ADMIN)
    staff = Client()
    staff.force_login(admin)
    listing = staff.get("/admin/accounts/lockout/")
    assert listing.status_code == 200 and "0900000001" in listing.content.decode()
    staff.post("/admin/accounts/lockout/", {"action": "lift", "_selected_action": [lock.pk]})
    lock.refresh_from_db()
    assert lock.lifted_by == admin and not lock.is_active(timezone.now())
    lifted = AuditEvent.objects.get(action="security.lockout_lift")
    assert lifted.actor == admin and lifted.object_id == str(lock.pk)
    response = client.post(CITIZEN_LOGIN, {"username": "0900000001", "password": PASSWORD})
    assert response.status_code == 302


def test_a_lock_out_ends_by_itself(client, citizen):
    for _ in range(5):
        client.post(CITIZEN_LOGIN, {"username": "0900000001", "password": "doan-mo"})
    Lockout.objects.update(until=timezone.now() - timezone.timedelta(seconds=1))
    assert client.post(CITIZEN_LOGIN, {"username": "0900000001",
                                       "password": PASSWORD}).status_code == 302


def test_eight_reset_requests_in_a_row_send_three_emails(client, citizen):
    answers = [client.post(RESET, {"email": "hoa@example.com"}) for _ in range(8)]
    assert len(mail.outbox) == 3
    assert [a.status_code for a in answers[:3]] == [302] * 3
    refused = answers[3]
    assert refused.status_code == 200 and refused.context["form"].errors
    message = " ".join(refused.context["form"].non_field_errors())
    assert "phút" in message  # the wait, up to the end of the hour the requests count in
    assert AuditEvent.objects.filter(action="security.lockout").count() == 1


def test_reset_requests_for_many_addresses_from_one_connection_are_throttled(client, settings):
    settings.ONESTOP_THROTTLE_RESET_ADDRESS = 4
    answers = [client.post(RESET, {"email": f"nguoi{i}@example.com"}).status_code
               for i in range(6)]
    assert answers == [302, 302, 302, 302, 200, 200]


def _sign_up(client: Client, i: int):
    return client.post(SIGN_UP, {
        "full_name": "Nguyễn Văn An", "cccd": f"09209000{1000 + i}", "phone": f"09120{i:05d}",
        "password1": "mat-khau-rat-dai-2026", "password2": "mat-khau-rat-dai-2026"})


def test_sign_ups_from_one_address_are_throttled(settings):
    settings.ONESTOP_THROTTLE_SIGNUP_ADDRESS = 3
    answers = [_sign_up(Client(), i) for i in range(4)]
    assert [a.status_code for a in answers] == [302, 302, 302, 400]
    assert "phút" in " ".join(answers[3].context["form"].non_field_errors())
    r = Client().post("/api/v1/auth/signup", {
        "full_name": "Trần Văn Bình", "cccd": "092090009999", "phone": "0912999999",
        "password": "mat-khau-rat-dai-2026"}, content_type="application/json")
    assert r.status_code == 429
