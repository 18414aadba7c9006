"""POST /api/v1/exchange/messages: where other instances (and relays of the national platform)
deliver edXML messages. The body is the message itself; its XML-DSig signature, checked
against the trust anchors (and the peer's pinned certificate), is what authenticates the
sender, so the endpoint needs no session or token. The answer is the signed 01 (arrived) or
02 (refused, with the reason) status for a document, a short text for a status.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from onestop.exchange.services import message_receive


@csrf_exempt
@require_POST
def exchange_messages(request: HttpRequest) -> HttpResponse:
    # Read the stream (not request.body, capped by DATA_UPLOAD_MAX_MEMORY_SIZE) one byte past
    # the limit, so an oversized message is refused with a 02 status and kept as evidence.
    data = request.read(settings.ONESTOP_EDXML_MAX_BYTES + 1)
    answer = message_receive(data=data)
    return HttpResponse(answer.body, status=answer.http_status, content_type=answer.content_type)
