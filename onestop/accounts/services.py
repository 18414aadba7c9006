"""Citizen accounts: sign-up and finding the account behind a login identifier.

Citizens sign in with their phone number or e-mail address (either one), never with a
username; the username Django needs is derived from the CCCD, unique among citizens.
"""

from __future__ import annotations

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import ValidationFailed
from onestop.core.identifiers import validate_cccd

from .models import User

# A Vietnamese mobile number: 10 digits starting with 0 (e.g. 0912 345 678); +84 / 84 are
# accepted as the country code for the leading 0. Separators are ignored.
_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"^0\d{9}$")


class SignUpRefused(ValidationFailed):
    """A sign-up value is not acceptable; `field` names the form field it belongs to."""

    def __init__(self, field: str, message: object, **params: object) -> None:
        self.field = field
        super().__init__(message, **params)


def normalise_phone(value: str) -> str:
    """The phone in its 10-digit national form, or ValidationFailed."""
    digits = _SEPARATORS.sub("", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not _MOBILE.match(digits):
        raise ValidationFailed(
            _("Enter a Vietnamese mobile number: 10 digits starting with 0, e.g. 0912 345 678.")
        )
    return digits


def normalise_email(value: str) -> str:
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationFailed(_("Enter a valid e-mail address.")) from exc
    return email


def citizens() -> QuerySet[User]:
    """Accounts that are citizens (see User.is_citizen): no role, no admin access."""
    return User.objects.filter(is_staff=False, is_superuser=False, memberships__isnull=True)


def citizen_by_identifier(identifier: str) -> User | None:
    """The active citizen whose phone or e-mail is `identifier`, or None."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        query = citizens().filter(email__iexact=identifier)
    else:
        try:
            query = citizens().filter(phone=normalise_phone(identifier))
        except ValidationFailed:
            return None
    return query.filter(is_active=True).order_by("pk").first()


def citizen_authenticate(*, identifier: str, password: str) -> User | None:
    """The citizen whose phone or e-mail is `identifier`, if `password` is theirs.

    The password hasher runs once whether the account exists or not (a dummy hash for an
    unknown identifier, as Django's ModelBackend does), so the answer's timing does not tell
    which phone numbers have an account.
    """
    citizen = citizen_by_identifier(identifier)
    if citizen is None:
        User().set_password(password)
        return None
    return citizen if citizen.check_password(password) else None


@transaction.atomic
def citizen_sign_up(
    *, full_name: str, cccd: str, password: str, phone: str = "", email: str = ""
) -> User:
    """Create a citizen account; phone or e-mail (at least one) becomes its login."""
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise SignUpRefused("full_name", _("Enter your full name."))
    try:
        cccd = validate_cccd(cccd or "")
    except ValidationFailed as exc:
        raise SignUpRefused("cccd", exc.message) from exc
    if not phone.strip() and not email.strip():
        raise SignUpRefused("phone", _("Give a phone number or an e-mail address to sign in "
                                       "with."))
    if phone.strip():
        try:
            phone = normalise_phone(phone)
        except ValidationFailed as exc:
            raise SignUpRefused("phone", exc.message) from exc
    if email.strip():
        try:
            email = normalise_email(email)
        except ValidationFailed as exc:
            raise SignUpRefused("email", exc.message) from exc
    # Uniqueness among citizens: the CCCD identifies the person, phone and e-mail identify
    # the login. The same words for every clash would hide less, but a citizen who forgot
    # an old account needs to know to reset its password instead.
    if citizens().filter(cccd=cccd).exists():
        raise SignUpRefused("cccd", _("An account with this citizen ID already exists. "
                                      "Sign in, or reset your password."))
    if phone and citizens().filter(phone=phone).exists():
        raise SignUpRefused("phone", _("An account with this phone number already exists."))
    if email and citizens().filter(email__iexact=email).exists():
        raise SignUpRefused("email", _("An account with this e-mail address already exists."))
    user = User(username=f"citizen-{cccd}", full_name=full_name, cccd=cccd, phone=phone,
                email=email)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise SignUpRefused("password1", " ".join(exc.messages)) from exc
    if User.objects.filter(username=user.username).exists():
        # A deactivated or staff account holds this CCCD's username: refuse, never reuse.
        raise SignUpRefused("cccd", _("An account with this citizen ID already exists. "
                                      "Sign in, or reset your password."))
    user.set_password(password)
    user.save()
    return user
