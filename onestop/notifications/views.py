"""Zalo's delivery-status webhook. Thin: services.zalo_callback checks the signature and
the age, records the callback whatever its outcome, and applies it once. No session, no
CSRF token: the signature is the proof."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from onestop.api.webhooks import per_address_limit

from . import services
from .models import ZaloCallback

STATUS = {ZaloCallback.Outcome.ACCEPTED: 200, ZaloCallback.Outcome.DUPLICATE: 200,
          ZaloCallback.Outcome.FORGED: 403, ZaloCallback.Outcome.STALE: 409,
          ZaloCallback.Outcome.UNKNOWN: 404, ZaloCallback.Outcome.INVALID: 400}


@csrf_exempt
@require_POST
@per_address_limit
def zalo_callback(request: HttpRequest) -> HttpResponse:
    callback = services.zalo_callback(body=request.body,
                                      signature=request.headers.get("X-ZEvent-Signature", ""))
    return JsonResponse({"outcome": callback.outcome, "reason": callback.reason},
                        status=STATUS[callback.outcome])
