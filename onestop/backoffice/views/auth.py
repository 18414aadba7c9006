"""Staff sign-in and sign-out (citizens have their own, in onestop.portal.views.accounts)."""

from __future__ import annotations

from django.contrib.auth.views import LoginView, LogoutView

from onestop.accounts.forms import StaffAuthenticationForm


class StaffLoginView(LoginView):
    template_name = "backoffice/login.html"
    # Refuses accounts without a staff role: citizens have their own sign-in (issue 3).
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True
    next_page = "backoffice:home"  # a URL name: resolve_url turns it into the path


class StaffLogoutView(LogoutView):
    next_page = "backoffice:login"
