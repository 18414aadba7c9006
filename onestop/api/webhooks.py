"""Server-to-server notifications from banks and payment gateways.

Thin: the body, query and headers go as they came to payments.services.notification_receive,
which verifies the signature, logs the notification and applies it exactly once; the answer
is the provider's own expected reply. No session, no CSRF token: the signature is the proof.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from onestop.core.ratelimit import RateLimited, client_address, hit
from onestop.national import payment_lookup
from onestop.notifications import services as notification_services
from onestop.notifications.models import ZaloCallback
from onestop.payments import providers, services
from onestop.payments.providers.base import Incoming


def per_address_limit(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """At most ONESTOP_WEBHOOK_RATE_LIMIT requests per address and window, counted before
    anything is read or stored (core.ratelimit: one counter across processes). Anyone can
    reach these endpoints; a forged notification is refused but logged, so an unbounded
    stream of them would otherwise fill the table."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            hit(key=f"partner:{client_address(request)}",
                limit=settings.ONESTOP_WEBHOOK_RATE_LIMIT,
                window_seconds=settings.ONESTOP_WEBHOOK_RATE_WINDOW)
        except RateLimited as exc:
            response = JsonResponse({"ok": False, "error": "rate limited"}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        return view(request, *args, **kwargs)

    return wrapper


@csrf_exempt
@require_http_methods(["GET", "POST"])
@per_address_limit
def payment_notification(request: HttpRequest, provider: str) -> HttpResponse:
    """Notifications from banks and gateways: verified, logged, applied exactly once."""
    if not providers.notifies(provider):
        raise Http404("No such provider endpoint.")
    incoming = Incoming(body=request.body, query={k: str(v) for k, v in request.GET.items()},
                        headers={k: v for k, v in request.headers.items()})
    result = services.notification_receive(provider=provider, incoming=incoming)
    return JsonResponse(result.body, status=result.status)


@csrf_exempt
@require_http_methods(["POST"])
@per_address_limit
def national_payment_lookup(request: HttpRequest) -> HttpResponse:
    """The national payment platform asks what a dossier owes (signed, national.payment_lookup)."""
    answer = payment_lookup.lookup(request.body)
    return JsonResponse(answer.body, status=answer.status)


# Zalo's delivery-status webhook: notifications.services.zalo_callback checks the signature
# and the age, records the callback whatever its outcome, and applies it once.
_Z = ZaloCallback.Outcome
_ZALO_STATUS = {_Z.ACCEPTED: 200, _Z.DUPLICATE: 200, _Z.FORGED: 403, _Z.STALE: 409,
                _Z.UNKNOWN: 404, _Z.INVALID: 400}


@csrf_exempt
@require_http_methods(["POST"])
@per_address_limit
def zalo_callback(request: HttpRequest) -> HttpResponse:
    callback = notification_services.zalo_callback(
        body=request.body, signature=request.headers.get("X-ZEvent-Signature", ""))
    return JsonResponse({"outcome": callback.outcome, "reason": callback.reason},
                        status=_ZALO_STATUS[callback.outcome])
