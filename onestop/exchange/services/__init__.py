"""Every write of the exchange app (docs/exchange.md)."""

from .delivery import deliveries_run, delivery_attempt
from .documents import (
    FileIn,
    document_assign,
    document_change_decide,
    document_change_request,
    document_finish,
    document_refuse,
    document_register,
    document_send,
    document_start,
)
from .receive import Answer, message_receive

__all__ = [
    "Answer", "FileIn", "deliveries_run", "delivery_attempt", "document_assign",
    "document_change_decide", "document_change_request", "document_finish", "document_refuse",
    "document_register", "document_send", "document_start", "message_receive",
]
