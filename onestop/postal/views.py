"""The postal service's status callbacks (signed; services.callback_receive decides)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services


@csrf_exempt  # a server-to-server call, authenticated by its HMAC signature instead
@require_POST
def callback(request: HttpRequest, provider: str) -> JsonResponse:
    outcome = services.callback_receive(provider=provider, body=request.body,
                                        headers=request.headers)
    return JsonResponse({"result": outcome.outcome, "reason": outcome.reason},
                        status=outcome.status)
