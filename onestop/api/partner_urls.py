"""Server-to-server endpoints for banks, payment gateways, billers and Zalo, at the site root.

Their paths are configured at the banks, gateways and billers: never change one.
"""

from django.urls import path

from . import billers, webhooks

app_name = "partners"
urlpatterns = [
    path("payments/webhooks/<slug:provider>/", webhooks.payment_notification,
         name="payment_webhook"),
    path("payments/national/lookup", webhooks.national_payment_lookup,
         name="national_payment_lookup"),
    path("billing/api/bills", billers.bills_push, name="biller_bills"),
    path("zalo/callback/", webhooks.zalo_callback, name="zalo_callback"),
]
