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

    def __init__(self, field: str, message: object, *,
                 problems: dict[str, str] | None = None, **params: object) -> None:
        self.field = field
        # every refused field at once (the first one is `field`)
        self.problems = problems or {field: str(message)}
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


def sign_up_format_problems(*, full_name: str, cccd: str, phone: str = "", email: str = "",
                            password: str | None = None) -> dict[str, str]:
    """Every problem of the values themselves, all at once ({field: message}).

    No database read: a page may call it on every attempt without opening a way to probe
    which numbers have accounts (that check stays in citizen_sign_up, behind the throttle).
    `password` is checked when given.
    """
    problems: dict[str, str] = {}
    full_name = " ".join((full_name or "").split())
    if not full_name:
        problems["full_name"] = str(_("Enter your full name."))
    try:
        validate_cccd(cccd or "")
    except ValidationFailed as exc:
        problems["cccd"] = str(exc)
    if not (phone or "").strip() and not (email or "").strip():
        problems["phone"] = str(_("Give a phone number or an e-mail address to sign in with."))
    if (phone or "").strip():
        try:
            phone = normalise_phone(phone)
        except ValidationFailed as exc:
            problems["phone"] = str(exc)
    if (email or "").strip():
        try:
            email = normalise_email(email)
        except ValidationFailed as exc:
            problems["email"] = str(exc)
    if password is not None:
        candidate = User(username="citizen-new", full_name=full_name, phone=phone, email=email)
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as exc:
            problems["password1"] = " ".join(exc.messages)
    return problems


@transaction.atomic
def citizen_sign_up(
    *, full_name: str, cccd: str, password: str, phone: str = "", email: str = ""
) -> User:
    """Create a citizen account; phone or e-mail (at least one) becomes its login.

    Refused with SignUpRefused listing every problem at once (`problems`), the values'
    own and the clashes with existing accounts.
    """
    problems = sign_up_format_problems(full_name=full_name, cccd=cccd, phone=phone,
                                       email=email)
    full_name = " ".join((full_name or "").split())
    cccd = cccd if "cccd" in problems else validate_cccd(cccd or "")
    phone = normalise_phone(phone) if phone.strip() and "phone" not in problems else ""
    email = normalise_email(email) if email.strip() and "email" not in problems else ""
    # Uniqueness among citizens: the CCCD identifies the person, phone and e-mail identify
    # the login. The same words for every clash would hide less, but a citizen who forgot
    # an old account needs to know to reset its password instead.
    taken = _("An account with this citizen ID already exists. Sign in, or reset your "
              "password.")
    if "cccd" not in problems and (citizens().filter(cccd=cccd).exists()
                                   # a deactivated or staff account holds this username:
                                   # refuse, never reuse
                                   or User.objects.filter(username=f"citizen-{cccd}").exists()):
        problems["cccd"] = str(taken)
    if phone and citizens().filter(phone=phone).exists():
        problems["phone"] = str(_("An account with this phone number already exists."))
    if email and citizens().filter(email__iexact=email).exists():
        problems["email"] = str(_("An account with this e-mail address already exists."))
    user = User(username=f"citizen-{cccd}", full_name=full_name, cccd=cccd, phone=phone,
                email=email)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        problems["password1"] = " ".join(exc.messages)
    if problems:
        field, message = next(iter(problems.items()))
        raise SignUpRefused(field, message, problems=problems)
    user.set_password(password)
    user.save()
    return user
