"""Pages of sign-in through an identity provider (accounts.oidc's registry): start (redirect
to the provider) and the provider's callback. The same two views serve every provider: the
city's e-ID (`/tai-khoan/e-id/`) and the national account (`/tai-khoan/dvcqg/`)."""

from __future__ import annotations

import logging

from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from onestop.accounts.oidc import IdentityProvider, identity_provider
from onestop.core.errors import DomainError

logger = logging.getLogger("onestop.accounts.oidc")
NEXT_KEY = "onestop_eid_next"
# Where each provider sends the citizen back (the URL registered at the provider).
CALLBACKS = {"eid": "portal:eid_callback", "national": "portal:national_signin_callback"}


def _provider(name: str) -> IdentityProvider:
    provider = identity_provider(name)
    if provider is None or not provider.is_enabled() or name not in CALLBACKS:
        raise Http404("this sign-in is not configured")
    return provider


def signin_start(request: HttpRequest, provider: str = "eid") -> HttpResponseBase:
    idp = _provider(provider)
    nxt = request.GET.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
        request.session[NEXT_KEY] = nxt
    callback = request.build_absolute_uri(reverse(CALLBACKS[provider]))
    # Authlib keeps state, nonce and the PKCE code verifier in the session.
    response: HttpResponseBase = idp.client().authorize_redirect(request, callback)
    return response


def _failed(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "portal/account/oidc_error.html", {"message": message}, status=400)


def signin_callback(request: HttpRequest, provider: str = "eid") -> HttpResponseBase:
    idp = _provider(provider)
    if "error" in request.GET:
        return _failed(request, _("The e-ID sign-in was cancelled or refused."))
    try:
        client = idp.client()
        # Checks the state against the session, exchanges the code with the PKCE verifier,
        # verifies the ID token (signature by the provider's JWKS, issuer, audience, expiry,
        # the nonce stored in the session).
        token = client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if idp.required_claim() not in claims:
            userinfo = dict(client.userinfo(token=token))
            if userinfo.get("sub") not in (None, claims.get("sub")):
                raise ValueError("the userinfo is about another subject than the ID token")
            claims.update(userinfo)
    except DomainError:
        raise
    except Exception:  # state or nonce mismatch, bad code, provider down: the citizen retries
        logger.warning("%s sign-in failed", provider, exc_info=True)
        return _failed(request, _("The e-ID sign-in could not be completed. Try again."))
    try:
        user = idp.account_from_claims(claims)
    except DomainError as exc:
        return _failed(request, str(exc))
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    nxt = request.session.pop(NEXT_KEY, "") or reverse("portal:home")
    return redirect(nxt)


def eid_start(request: HttpRequest) -> HttpResponseBase:
    return signin_start(request, "eid")


def eid_callback(request: HttpRequest) -> HttpResponseBase:
    return signin_callback(request, "eid")


def national_start(request: HttpRequest) -> HttpResponseBase:
    return signin_start(request, "national")


def national_callback(request: HttpRequest) -> HttpResponseBase:
    return signin_callback(request, "national")
