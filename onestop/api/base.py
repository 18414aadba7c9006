"""The NinjaAPI instance, authentication, the one error shape, and shared helpers.

Every error leaves as {"code", "message", "details"} with the message in the language of
Accept-Language (LocaleMiddleware; pages ignore it, /api/ honours it). Client mistakes are
4xx: validation 422, DomainError its own status, unknown objects 404, rate limits 429.
"""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.schema import DjangoGetter
from ninja.security import HttpBearer
from pydantic import Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from onestop.core.errors import DomainError, NotFound
from onestop.core.ratelimit import RateLimited, hit

from .tokens import AuthFailed, Principal, authenticate_access

# Integers that reach the database stay within 64-bit range: SQLite raises OverflowError (a
# 500) on bigger ones, so they are refused as a validation error (422) first.
MAX_ID = 2**62
DbInt = Annotated[int, Field(ge=0, le=MAX_ID)]
PathId = Annotated[int, Field(ge=1, le=MAX_ID)]


class InputSchema(Schema):
    """The base of every request schema (bodies, forms, query strings).

    ninja's Schema reads attributes of any Python object so that it can serialise model
    instances; as an input that lets a JSON array, a string or a number through as "every
    field at its default" (`POST /dossiers/{id}/withdraw` accepted `[]`). A request value must
    be a JSON object, at the top and wherever a schema nests another one: anything else is a
    422 like any other validation error.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: Any, info: ValidationInfo) -> Any:
        if not isinstance(values, dict | cls):
            raise PydanticCustomError("object_expected", "Input should be a JSON object")
        return handler(DjangoGetter(values, cls, info.context))


class Error(Schema):
    code: str
    message: str
    details: dict[str, Any] | list[Any] | None = None


class _Bearer(HttpBearer):
    audience = ""

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        principal = authenticate_access(token)
        if principal is None or principal.audience != self.audience:
            return None
        from django.conf import settings

        hit(key=f"user:{principal.user.pk}", limit=settings.ONESTOP_API_RATE_LIMIT,
            window_seconds=settings.ONESTOP_API_RATE_WINDOW)
        request.user = principal.user  # type: ignore[assignment]
        return principal


class CitizenAuth(_Bearer):
    audience = "citizen"


class StaffAuth(_Bearer):
    audience = "staff"


citizen_auth = CitizenAuth()
staff_auth = StaffAuth()

api = NinjaAPI(
    title="onestop API",
    version="1.0.0",
    description="JSON API of the onestop one-stop platform for the city app. "
                "Errors: {code, message, details}; messages follow Accept-Language (vi, en).",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def error(request: HttpRequest, status: int, code: str, message: str,
          details: Any = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "details": details},
                               status=status)


def _code_of(exc: DomainError) -> str:
    name = type(exc).__name__
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    field = getattr(exc, "field", None)
    details = getattr(exc, "details", None) or ({"field": field} if field else None)
    response = error(request, exc.http_status, _code_of(exc), str(exc), details)
    if isinstance(exc, AuthFailed):
        response["WWW-Authenticate"] = "Bearer"
    return response


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return error(request, 422, "validation_failed", _("Some of the information is not valid."),
                 _plain(exc.errors))


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # The database refused a value the schema let through (a NUL character, which
    # PostgreSQL text cannot hold): the client's input, so a 422, never a 500.
    return error(request, 422, "validation_failed", _("Some of the information is not valid."))


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error(request, 401, "auth_failed",
                     _("Sign in again: your session has ended or the token is not valid."))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    # One answer for "does not exist" and "not yours", whatever raised it.
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error(request, exc.status_code, "bad_request", str(exc.message))


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = error(request, 429, _code_of(exc), str(exc))  # rate_limited or throttled
    response["Retry-After"] = str(exc.retry_after)
    return response


# ---- cursors --------------------------------------------------------------------------------

def encode_cursor(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str | None, *, key: str) -> int | None:
    """The integer under `key` in an opaque cursor; 400 for a cursor we did not make."""
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())[key]
        if not isinstance(value, int) or value < 0 or value > 2**62:
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HttpError(400, _("The cursor is not valid.")) from exc
    return value


ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error, 429: Error}
