"""SANDBOX pages, mounted at /sandbox/.

Every route is wrapped in `sandbox_only`, which answers 404 unless the payment sandbox is on
*at the moment of the request* (payments.providers.base.sandbox_enabled, the one switch).
The decision is never taken when this module is imported: `onestop demo` turns the sandbox
on after the settings are read, and tests turn it on and off.
"""

from django.urls import path

from . import views
from .views import sandbox_only

app_name = "sandbox"
urlpatterns = [
    path("pay/<str:reference>/", sandbox_only(views.pay), name="pay"),
    path("gateway/", sandbox_only(views.gateway), name="gateway"),
]
