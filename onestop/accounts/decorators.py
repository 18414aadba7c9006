"""Access to citizen pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

View = Callable[..., HttpResponseBase]


def citizen_required(view: View) -> View:
    """Signed in as a citizen: anonymous visitors go to the citizens' sign-in (with `next`),
    staff accounts get a page saying these pages are for citizens (403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
        if not request.user.is_citizen:
            return render(request, "accounts/citizens_only.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
