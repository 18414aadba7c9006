"""Citizens sign up with a valid CCCD, a Vietnamese mobile number or e-mail, and a password
that passes the validators; one account per CCCD, phone and e-mail."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.utils.translation import gettext, override

from onestop.accounts.models import User
from onestop.accounts.services import SignUpRefused, citizen_sign_up, normalise_phone

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/tai-khoan/dang-ky/"
GOOD = {"full_name": "Trần Văn Minh", "cccd": "092090001234", "phone": "0912 345 678",
        "email": "", "password1": PASSWORD, "password2": PASSWORD}


def test_sign_up_creates_a_citizen_and_signs_in(client):
    response = client.post(URL, GOOD)
    assert response.status_code == 302 and response["Location"] == "/ho-so-cua-toi/"
    user = User.objects.get(cccd="092090001234")
    assert user.is_citizen and user.phone == "0912345678" and user.full_name == "Trần Văn Minh"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_passwords_are_hashed_with_argon2_in_production_settings(settings, db):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = citizen_sign_up(full_name="A", cccd="092090001234", phone="0912345678",
                           password=PASSWORD)
    assert identify_hasher(user.password).algorithm == "argon2"


@pytest.mark.parametrize(("field", "value"), [
    ("cccd", "12345"),            # not 12 digits
    ("cccd", "000090001234"),     # province 000
    ("cccd", "092990001234"),     # sex/century digit 9
    ("phone", "0912"),            # too short
    ("phone", "1912345678"),      # does not start with 0
    ("password1", "12345678"),    # numeric and common
])
def test_bad_values_are_refused_on_their_field(client, field, value):
    data = {**GOOD, field: value}
    if field == "password1":
        data["password2"] = value
    response = client.post(URL, data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not User.objects.exists()


def test_a_bad_cccd_message_is_translated(client):
    response = client.post(URL, {**GOOD, "cccd": "12345"})
    with override("vi"):
        expected = gettext("A personal identification number has exactly 12 digits.")
    assert expected in response.content.decode()


@pytest.mark.parametrize("clash", ["cccd", "phone", "email"])
def test_one_account_per_cccd_phone_and_email(client, citizen, clash):
    data = {**GOOD, "email": "other@example.com"}
    data[clash] = {"cccd": citizen.cccd, "phone": "+84 900 000 001",
                   "email": "HOA@example.com"}[clash]
    response = client.post(URL, data)
    assert response.status_code == 400
    assert response.context["form"].errors[clash]
    assert User.objects.count() == 1


def test_phone_or_email_is_needed(db):
    with pytest.raises(SignUpRefused) as exc:
        citizen_sign_up(full_name="A", cccd="092090001234", password=PASSWORD)
    assert exc.value.field == "phone"


def test_mismatched_passwords_are_refused(client):
    response = client.post(URL, {**GOOD, "password2": PASSWORD + "x"})
    assert response.status_code == 400 and response.context["form"].errors["password2"]


@pytest.mark.parametrize(("typed", "stored"), [
    ("0912345678", "0912345678"), ("0912.345.678", "0912345678"),
    ("+84912345678", "0912345678"), ("84912345678", "0912345678"),
])
def test_phone_numbers_are_normalised(typed, stored):
    assert normalise_phone(typed) == stored


def test_every_field_is_checked_at_once_on_the_first_try(client):
    # An empty name (Django's own "required") does not hide the CCCD, phone and password
    # problems behind it.
    response = client.post(URL, {**GOOD, "full_name": "", "cccd": "12345", "phone": "0912",
                                 "password1": "12345678", "password2": "12345678"})
    errors = response.context["form"].errors
    assert response.status_code == 400
    assert {"full_name", "cccd", "phone", "password1"} <= set(errors)
    assert not User.objects.exists()


def test_every_clash_with_existing_accounts_is_reported_together(client, citizen):
    response = client.post(URL, {**GOOD, "cccd": citizen.cccd, "phone": citizen.phone,
                                 "email": "HOA@example.com"})
    assert {"cccd", "phone", "email"} <= set(response.context["form"].errors)


def test_the_number_is_called_the_personal_identification_number(client):
    body = client.get(URL).content.decode()
    assert "Số định danh cá nhân" in body and "Số CCCD" not in body
    assert "thẻ căn cước" in body
