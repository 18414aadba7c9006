"""/api/v1/: the routers mounted on one NinjaAPI (OpenAPI 3.1 at openapi.json, docs at docs)."""

from __future__ import annotations

from django.urls import path

from . import auth, citizen, community, exchange, guide, payments, public, signatures, staff
from .base import api

api.add_router("/", public.router)
api.add_router("/auth", auth.router)
api.add_router("/", citizen.router)
api.add_router("/", payments.router)
api.add_router("/staff", staff.router)
api.add_router("/", signatures.router)
api.add_router("/community", community.router)
api.add_router("/", guide.router)

urlpatterns = [
    *api.urls[0],
    # raw edXML in and out, not JSON: a plain view beside the Ninja routers
    path("exchange/messages", exchange.exchange_messages, name="exchange-messages"),
]
app_name = "api-v1"
