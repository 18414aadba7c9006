"""Billers push their bills: POST /billing/api/bills with `Authorization: Bearer <key>`.

Thin: the key names the biller (billing.services.biller_for_key), the JSON list goes to
billing.services.bills_import, the counts come back. Errors keep the shape {"error": …}
billers integrated against (with "errors" listing each refused record).
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from onestop.billing import services
from onestop.core.errors import DomainError

from .webhooks import per_address_limit


@csrf_exempt
@require_http_methods(["POST"])
@per_address_limit  # anyone can try keys here: the same per-address allowance as webhooks
def bills_push(request: HttpRequest) -> HttpResponse:
    """POST /billing/api/bills, `Authorization: Bearer <key>`, a JSON list of bills."""
    auth = request.headers.get("Authorization", "")
    key = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
    biller = services.biller_for_key(key)
    if biller is None:
        return JsonResponse({"error": _("A valid API key is required.")}, status=401)
    try:
        records = json.loads(request.body or b"")
    except ValueError:
        records = None
    if not isinstance(records, list):
        return JsonResponse({"error": _("The body must be a JSON list of bills.")}, status=400)
    try:
        result = services.bills_import(biller=biller, records=records, source="api")
    except services.BatchInvalid as exc:
        return JsonResponse({"error": str(exc), "errors": exc.errors}, status=exc.http_status)
    except DomainError as exc:
        return JsonResponse({"error": str(exc)}, status=exc.http_status)
    return JsonResponse({"created": result.created, "updated": result.updated,
                         "unchanged": result.unchanged})
