"""/api/v1/: the routers mounted on one NinjaAPI (OpenAPI 3.1 at openapi.json, docs at docs)."""

from __future__ import annotations

from . import auth, citizen, payments, public, staff
from .base import api

api.add_router("/", public.router)
api.add_router("/auth", auth.router)
api.add_router("/", citizen.router)
api.add_router("/", payments.router)
api.add_router("/staff", staff.router)

urlpatterns = [*api.urls[0]]
app_name = "api-v1"
