"""Citizen sign-up, sign-in, sign-out and password reset (the portal's, never the staff's)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme

from onestop.accounts.forms import CitizenLoginForm, CitizenPasswordResetForm, CitizenSignUpForm
from onestop.accounts.oidc import identity_provider, oidc_enabled


def _next_or_home(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return wanted
    return reverse("portal:my_dossiers")


def sign_up(request: HttpRequest) -> HttpResponse:
    form = CitizenSignUpForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(_next_or_home(request))
    return render(request, "portal/account/sign_up.html",
                  {"form": form, "next": request.POST.get("next") or request.GET.get("next", ""),
                   "nav": "account"},
                  status=400 if form.errors else 200)


class CitizenLoginView(auth_views.LoginView):
    template_name = "portal/account/login.html"
    authentication_form = CitizenLoginForm
    extra_context = {"nav": "account"}

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if request.method == "GET" and user.is_authenticated and user.is_citizen:
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        return reverse("portal:my_dossiers")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # The e-ID button shows only when a provider is configured (ONESTOP_OIDC_*).
        context = super().get_context_data(**kwargs)
        context["eid_enabled"] = oidc_enabled()
        context["eid_label"] = settings.ONESTOP_OIDC_PROVIDER_LABEL
        national = identity_provider("national")
        context["national_signin"] = national if national and national.is_enabled() else None
        return context


class CitizenLogoutView(auth_views.LogoutView):
    next_page = "portal:home"


class CitizenPasswordResetView(auth_views.PasswordResetView):
    form_class = CitizenPasswordResetForm
    template_name = "portal/account/password_reset.html"
    email_template_name = "portal/account/password_reset_email.txt"
    subject_template_name = "portal/account/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}  # for the throttle


class CitizenPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/account/password_reset_done.html"


class CitizenPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/account/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")


class CitizenPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/account/password_reset_complete.html"
