"""The businesses a citizen files for: list, register, remove (accounts.businesses)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.accounts import businesses as biz
from onestop.accounts.decorators import citizen_required
from onestop.accounts.models import User
from onestop.core.errors import ValidationFailed

from ..forms import BusinessForm


@citizen_required
def my_businesses(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    return render(request, "portal/account/businesses.html",
                  {"businesses": biz.businesses_of(user), "nav": "businesses"})


@citizen_required
def business_add(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = BusinessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            business = biz.business_register(
                account=user, details=biz.BusinessDetails(**form.cleaned_data))
        except ValidationFailed as exc:
            form.add_error(None, str(exc))  # everything typed stays in the form
        else:
            messages.success(request, _("%(name)s was added. Choose it in step 1 when you "
                                        "file for it.") % {"name": business.name})
            return redirect("portal:businesses")
    return render(request, "portal/account/business_add.html",
                  {"form": form, "nav": "businesses"}, status=400 if form.errors else 200)


@citizen_required
@require_POST
def business_remove(request: HttpRequest, pk: int) -> HttpResponse:
    biz.business_remove(account=cast(User, request.user), pk=pk)  # NotFound -> 404 page
    messages.success(request, _("The business was removed from your account. Its dossiers "
                                "stay as they were filed."))
    return redirect("portal:businesses")
