"""The public dossier status lookup (no account needed).

The lookup answers an unknown code and a wrong second factor with the very same page, so
nobody can learn which codes exist; a per-address rate limit slows down guessing the four
digits.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from onestop.dossiers.selectors import public_status_lookup

from .forms import LookupForm


def _client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites
    # it, so trusting it would let anyone dodge the limit.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _over_limit(request: HttpRequest) -> bool:
    """Count one lookup for this address; True once the window's allowance is used up."""
    limit = settings.ONESTOP_LOOKUP_RATE_LIMIT
    window = settings.ONESTOP_LOOKUP_RATE_WINDOW
    if limit <= 0:
        return False
    key = f"onestop:lookup:{_client_address(request)}"
    cache.add(key, 0, timeout=window)  # starts the window; no-op while one is open
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def _without_factor(request: HttpRequest) -> str:
    """Where the language switcher returns to: the lookup with the code, never the digits."""
    code = request.GET.get("code", "")[:40]
    return f"{reverse('portal:lookup')}?{urlencode({'code': code})}" if code else request.path


def lookup(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"nav": "lookup"}
    if "factor" in request.GET:
        form = LookupForm(request.GET)
        if _over_limit(request):
            context["form"] = LookupForm(initial={"code": request.GET.get("code", "")})
            context["language_next"] = _without_factor(request)
            context["error"] = _("Too many lookups from your connection. Wait a few minutes "
                                 "and try again.")
            return render(request, "portal/lookup.html", context, status=429)
        if form.is_valid():
            result = public_status_lookup(code=form.cleaned_data["code"],
                                          factor=form.cleaned_data["factor"])
            if result is None:
                context["not_found"] = True
            else:
                context["result"] = result
            # Never echo the digits back; keep the code so a typo is easy to fix.
            form = LookupForm(initial={"code": form.cleaned_data["code"]})
    else:
        # `?code=` alone comes from the QR code on the receipt: prefill, do not look up.
        form = LookupForm(initial={"code": request.GET.get("code", "")[:40]})
    context["form"] = form
    context["language_next"] = _without_factor(request)
    return render(request, "portal/lookup.html", context)
