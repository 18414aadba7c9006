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

from .models import User
from .services import SignUpRefused, citizen_by_identifier, citizen_sign_up, citizens


class StaffAuthenticationForm(AuthenticationForm):
    """The back office's sign-in: only accounts holding a staff role (Membership)."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not is_staff_member(user=user):
            raise ValidationError(
                _("This sign-in is for staff of the one-stop centres. Citizens sign in on "
                  "the public portal: %(url)s"),
                code="not_staff", params={"url": reverse("portal:login")},
            )


class CitizenLoginForm(AuthenticationForm):
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

    def clean(self) -> dict[str, Any]:
        identifier = self.cleaned_data.get("username", "")
        password = self.cleaned_data.get("password")
        if identifier and password:
            citizen = citizen_by_identifier(identifier)
            # Unknown identifiers still go through authenticate() (the hasher runs once),
            # so the answer takes as long whether the account exists or not.
            username = citizen.username if citizen else identifier
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.is_citizen:
            raise ValidationError(self.error_messages["staff"], code="staff")


class CitizenSignUpForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    cccd = forms.CharField(
        label=_("Citizen ID (CCCD)"), max_length=20,
        help_text=_("The 12 digits on your citizen identity card."),
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
        if data.get("password1") and data.get("password2") and (
            data["password1"] != data["password2"]
        ):
            self.add_error("password2", _("The two passwords differ."))
        return data

    def save(self) -> User | None:
        """Create the account through the service; its refusals become field errors."""
        data = self.cleaned_data
        try:
            return citizen_sign_up(
                full_name=data["full_name"], cccd=data["cccd"], password=data["password1"],
                phone=data.get("phone", ""), email=data.get("email", ""),
            )
        except SignUpRefused as exc:
            self.add_error(exc.field if exc.field in self.fields else None, str(exc))
            return None


class CitizenPasswordResetForm(PasswordResetForm):
    """Reset links go to citizens only: staff passwords are managed by their agency."""

    def get_users(self, email: str) -> Iterator[Any]:
        for user in citizens().filter(email__iexact=email, is_active=True):
            if user.has_usable_password():
                yield user
