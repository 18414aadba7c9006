"""Server-to-server notifications from banks and payment gateways.

Thin: the body, query and headers go as they came to payments.services.notification_receive,
which verifies the signature, logs the notification and applies it exactly once; the answer
is the provider's own expected reply. No session, no CSRF token: the signature is the proof.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from onestop.payments import providers, services
from onestop.payments.providers.base import Incoming


@csrf_exempt
@require_http_methods(["GET", "POST"])
def payment_notification(request: HttpRequest, provider: str) -> HttpResponse:
    """Notifications from banks and gateways: verified, logged, applied exactly once."""
    if not providers.notifies(provider):
        raise Http404("No such provider endpoint.")
    incoming = Incoming(body=request.body, query={k: str(v) for k, v in request.GET.items()},
                        headers={k: v for k, v in request.headers.items()})
    result = services.notification_receive(provider=provider, incoming=incoming)
    return JsonResponse(result.body, status=result.status)
