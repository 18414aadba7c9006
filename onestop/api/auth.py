"""Sign-up, token issue, refresh and sign-out for the app.

Citizens and staff get tokens from different endpoints with different audiences, and each
part of the API accepts only its own audience (staff and citizens never share sign-in rules).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Schema

from onestop.accounts.services import citizen_authenticate, citizen_sign_up
from onestop.accounts.throttle import Scope, throttled_request, throttled_sign_in
from onestop.agencies.selectors import is_staff_member
from onestop.core.ratelimit import client_address, hit

from .base import ERRORS, InputSchema, citizen_auth, staff_auth
from .tokens import AuthFailed, Principal, tokens_issue, tokens_refresh, tokens_revoke

router = Router(tags=["auth"])


class TokenOut(Schema):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int


class SignIn(InputSchema):
    login: str  # citizens: phone or e-mail; staff: username
    password: str


class SignUp(InputSchema):
    full_name: str
    cccd: str
    password: str
    phone: str = ""
    email: str = ""


class Refresh(InputSchema):
    refresh_token: str


def _limit(request: HttpRequest) -> None:
    hit(key=f"auth:{client_address(request)}", limit=settings.ONESTOP_API_AUTH_RATE_LIMIT,
        window_seconds=settings.ONESTOP_API_RATE_WINDOW)


def _pair(user: object, audience: str) -> dict[str, object]:
    pair = tokens_issue(user=user, audience=audience)
    return {"access_token": pair.access_token, "refresh_token": pair.refresh_token,
            "token_type": pair.token_type, "expires_in": pair.expires_in}


@router.post("/signup", response={201: TokenOut, **ERRORS}, summary="Create a citizen account")
def signup(request: HttpRequest, data: SignUp) -> tuple[int, dict[str, object]]:
    _limit(request)
    throttled_request(Scope.SIGN_UP, address=client_address(request))
    user = citizen_sign_up(full_name=data.full_name[:200], cccd=data.cccd[:20],
                           password=data.password[:200], phone=data.phone[:30],
                           email=data.email[:254])
    return 201, _pair(user, "citizen")


@router.post("/token", response={200: TokenOut, **ERRORS},
             summary="Citizen sign-in with phone or e-mail and password")
def token(request: HttpRequest, data: SignIn) -> dict[str, object]:
    _limit(request)
    login, password = data.login[:254], data.password[:200]
    citizen = throttled_sign_in(
        address=client_address(request), login=login,
        check=lambda: citizen_authenticate(identifier=login, password=password))
    if citizen is None:
        raise AuthFailed()
    return _pair(citizen, "citizen")


@router.post("/staff/token", response={200: TokenOut, **ERRORS},
             summary="Staff sign-in with username and password")
def staff_token(request: HttpRequest, data: SignIn) -> dict[str, object]:
    _limit(request)
    login, password = data.login[:150], data.password[:200]
    user = throttled_sign_in(
        address=client_address(request), login=login,
        check=lambda: authenticate(request, username=login, password=password))
    if user is None or not is_staff_member(user=user):
        raise AuthFailed()
    return _pair(user, "staff")


@router.post("/refresh", response={200: TokenOut, **ERRORS},
             summary="Spend a refresh token for a new pair (one use; reuse signs out)")
def refresh(request: HttpRequest, data: Refresh) -> dict[str, object]:
    _limit(request)
    pair = tokens_refresh(refresh_token=data.refresh_token[:200])
    return {"access_token": pair.access_token, "refresh_token": pair.refresh_token,
            "token_type": pair.token_type, "expires_in": pair.expires_in}


@router.post("/logout", auth=[citizen_auth, staff_auth], response={204: None, **ERRORS},
             summary="Sign out: this sign-in's access and refresh tokens stop working")
def logout(request: HttpRequest) -> tuple[int, None]:
    principal: Principal = request.auth  # type: ignore[attr-defined]
    tokens_revoke(family_id=principal.family_id)
    return 204, None
