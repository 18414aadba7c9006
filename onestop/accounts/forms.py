"""Sign-in and sign-up forms. Staff and citizens each have their own sign-in form and each
refuses the other kind of account with a message saying where to go."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from onestop.agencies.selectors import is_staff_member
from onestop.core.ratelimit import client_address

from .models import User
from .services import (
    SignUpRefused,
    citizen_by_identifier,
    citizen_sign_up,
    citizens,
    sign_up_format_problems,
)
from .throttle import Scope, Throttled, throttled_request, throttled_sign_in


def _address(request: Any) -> str:
    return client_address(request) if request is not None else "unknown"


class ThrottledSignIn(AuthenticationForm):
    """Sign-in refused while the account or the address is locked out (accounts.throttle);
    a wrong password counts against both."""

    def username_for(self, login: str) -> str:
        """The username authenticate() checks for this login."""
        return login

    def clean(self) -> dict[str, Any]:
        login = self.cleaned_data.get("username", "")
        password = self.cleaned_data.get("password")
        if login and password:
            try:
                # Unknown logins still go through authenticate() (the hasher runs once), so
                # the answer takes as long whether the account exists or not.
                self.user_cache = throttled_sign_in(
                    address=_address(self.request), login=login,
                    check=lambda: authenticate(self.request, username=self.username_for(login),
                                               password=password))
            except Throttled as exc:
                raise ValidationError(str(exc), code="throttled") from exc
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class StaffAuthenticationForm(ThrottledSignIn):
    """The back office's sign-in: only accounts holding a staff role (Membership)."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not is_staff_member(user=user):
            raise ValidationError(
                _("This sign-in is for staff of the one-stop centres. Citizens sign in on "
                  "the public portal: %(url)s"),
                code="not_staff", params={"url": reverse("portal:login")},
            )


class CitizenLoginForm(ThrottledSignIn):
    """Phone number or e-mail address, and password."""

    username = forms.CharField(
        label=_("Phone number or e-mail"), max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username",
                                      "inputmode": "email", "spellcheck": "false"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The phone number or e-mail and the password do not match an "
                           "account. Check both and try again."),
        "staff": _("Staff accounts cannot sign in here. Use the back office."),
    }

    def username_for(self, login: str) -> str:
        citizen = citizen_by_identifier(login)
        return citizen.username if citizen else login

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.is_citizen:
            raise ValidationError(self.error_messages["staff"], code="staff")


class CitizenSignUpForm(forms.Form):
    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    # Law on Identification 2023: the 12-digit number is the personal identification number
    # (số định danh cá nhân), printed on the identity card (thẻ căn cước).
    cccd = forms.CharField(
        label=_("Personal identification number"), max_length=20,
        help_text=_("The 12 digits on your identity card (thẻ căn cước)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, required=False,
        help_text=_("10 digits starting with 0. You can sign in with it."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False,
        help_text=_("Optional if you give a phone number; needed to reset a forgotten "
                    "password."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Every field's problems at once, from what was typed (also in fields Django already
        # refused), so a second try is not needed to see the next error.
        raw = {name: self.data.get(self.add_prefix(name), "") for name in
               ("full_name", "cccd", "phone", "email", "password1")}
        problems = sign_up_format_problems(
            full_name=raw["full_name"], cccd=raw["cccd"], phone=raw["phone"],
            email=raw["email"], password=raw["password1"] or None)
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        if data.get("password1") and data.get("password2") and (
            data["password1"] != data["password2"]
        ):
            self.add_error("password2", _("The two passwords differ."))
        return data

    def save(self) -> User | None:
        """Create the account through the service; its refusals become field errors. Each
        sign-up that reaches the service counts against the address (accounts.throttle)."""
        data = self.cleaned_data
        try:
            throttled_request(Scope.SIGN_UP, address=_address(self.request))
        except Throttled as exc:
            self.add_error(None, str(exc))
            return None
        try:
            return citizen_sign_up(
                full_name=data["full_name"], cccd=data["cccd"], password=data["password1"],
                phone=data.get("phone", ""), email=data.get("email", ""),
            )
        except SignUpRefused as exc:
            for field, message in exc.problems.items():
                self.add_error(field if field in self.fields else None, message)
            return None


class CitizenPasswordResetForm(PasswordResetForm):
    """Reset links go to citizens only: staff passwords are managed by their agency.

    Each request counts against the e-mail address asked for and against the client's
    address, whether an account has that e-mail or not (accounts.throttle)."""

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email = (data.get("email") or "").strip().lower()
        if email:
            try:
                throttled_request(Scope.PASSWORD_RESET, address=_address(self.request),
                                  account=f"email:{email}", label=email)
            except Throttled as exc:
                raise ValidationError(str(exc), code="throttled") from exc
        return data

    def get_users(self, email: str) -> Iterator[Any]:
        for user in citizens().filter(email__iexact=email, is_active=True):
            if user.has_usable_password():
                yield user
