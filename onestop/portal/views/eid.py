"""Pages of the e-ID sign-in: start (redirect to the provider) and the provider's callback."""

from __future__ import annotations

import logging

from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from onestop.accounts.oidc import citizen_from_eid_claims, eid_client, oidc_enabled
from onestop.core.errors import DomainError

logger = logging.getLogger("onestop.accounts.oidc")
NEXT_KEY = "onestop_eid_next"


def eid_start(request: HttpRequest) -> HttpResponseBase:
    if not oidc_enabled():
        raise Http404("e-ID sign-in is not configured")
    nxt = request.GET.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
        request.session[NEXT_KEY] = nxt
    callback = request.build_absolute_uri(reverse("portal:eid_callback"))
    # Authlib keeps state, nonce and the PKCE code verifier in the session.
    response: HttpResponseBase = eid_client().authorize_redirect(request, callback)
    return response


def _failed(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "portal/account/oidc_error.html", {"message": message}, status=400)


def eid_callback(request: HttpRequest) -> HttpResponseBase:
    if not oidc_enabled():
        raise Http404("e-ID sign-in is not configured")
    if "error" in request.GET:
        return _failed(request, _("The e-ID sign-in was cancelled or refused."))
    try:
        token = eid_client().authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        from django.conf import settings

        if settings.ONESTOP_OIDC_CCCD_CLAIM not in claims:
            claims.update(eid_client().userinfo(token=token))
    except DomainError:
        raise
    except Exception:  # state mismatch, bad code, provider down: the citizen just retries
        logger.warning("e-ID sign-in failed", exc_info=True)
        return _failed(request, _("The e-ID sign-in could not be completed. Try again."))
    try:
        user = citizen_from_eid_claims(claims)
    except DomainError as exc:
        return _failed(request, str(exc))
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    nxt = request.session.pop(NEXT_KEY, "") or reverse("portal:home")
    return redirect(nxt)
