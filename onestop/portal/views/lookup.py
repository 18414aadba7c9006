"""The public dossier status lookup (no account needed).

The lookup answers an unknown code and a wrong second factor with the very same page, so
nobody can learn which codes exist; a per-address rate limit slows down guessing the four
digits.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from onestop.core.ratelimit import lookup_over_limit
from onestop.dossiers.public import public_generation
from onestop.dossiers.selectors import public_status_lookup

from ..forms import LookupForm


def _over_limit(request: HttpRequest) -> bool:
    return lookup_over_limit(request, scope="lookup")


def _without_factor(request: HttpRequest, code: str = "") -> str:
    """Where the language switcher returns to: the lookup with the code, never the digits."""
    code = (code or request.GET.get("code", "") or request.POST.get("code", ""))[:40]
    return f"{reverse('portal:lookup')}?{urlencode({'code': code})}" if code else request.path


def _page_key(request: HttpRequest, code: str, factor: str) -> str:
    """Cache key of one rendered answer: the dossier's public generation, the language and a
    keyed digest of code and digits (the digits themselves never reach the cache)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{code}|{factor}".encode(),
                      hashlib.sha256).hexdigest()
    generation = public_generation(code)
    return f"onestop:lookup-page:{get_language()}:{generation}:{digest}"


@csrf_exempt  # a lookup changes nothing, and its answer goes only to whoever asked
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """GET: the form (`?code=` from the receipt's QR code prefills it). POST: the answer.

    The second factor travels in the POST body only (issue 17 item 9): in a query string it
    would land in the browser's history, in shared links and in every proxy's and server's
    access log. A GET that still carries one (an old bookmark) only prefills the code.
    """
    context: dict[str, object] = {"nav": "lookup"}
    if request.method == "POST":
        form = LookupForm(request.POST)
        if _over_limit(request):
            context["form"] = LookupForm(initial={"code": request.POST.get("code", "")[:40]})
            context["language_next"] = _without_factor(request)
            context["error"] = _("Too many lookups from your connection. Wait a few minutes "
                                 "and try again.")
            return render(request, "portal/lookup.html", context, status=429)
        if form.is_valid():
            code, factor = form.cleaned_data["code"], form.cleaned_data["factor"]
            # Anonymous answers are the same for everyone who asks the same question, so they
            # are cached until the dossier changes (see onestop.dossiers.public); the rate
            # limit above still counts every request.
            cacheable = not request.user.is_authenticated
            key = _page_key(request, code, factor) if cacheable else ""
            if cacheable and (body := cache.get(key)) is not None:
                return HttpResponse(body)
            result = public_status_lookup(code=code, factor=factor)
            if result is None:
                context["not_found"] = True
            else:
                context["result"] = result
            # Never echo the digits back; keep the code so a typo is easy to fix.
            context["form"] = LookupForm(initial={"code": code})
            context["language_next"] = _without_factor(request, code)
            response = render(request, "portal/lookup.html", context)
            if cacheable:
                cache.set(key, response.content, settings.ONESTOP_PUBLIC_PAGE_SECONDS)
            return response
    else:
        # `?code=` alone comes from the QR code on the receipt: prefill, do not look up.
        form = LookupForm(initial={"code": request.GET.get("code", "")[:40]})
    context["form"] = form
    context["language_next"] = _without_factor(request)
    return render(request, "portal/lookup.html", context)
