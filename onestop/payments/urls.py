from django.urls import path

from . import reconciliation_views, staff_views, views

app_name = "payments"
urlpatterns = [
    # Citizens (Vietnamese paths, like /tra-cuu/).
    path("thanh-toan/<str:reference>/", views.pay, name="pay"),
    path("thanh-toan/<str:reference>/ket-qua/", views.gateway_return, name="gateway_return"),
    path("thanh-toan/<str:reference>/bien-lai/<str:number>.pdf", views.receipt_pdf,
         name="receipt_pdf"),
    # Banks and gateways (server to server).
    path("payments/webhooks/<slug:provider>/", views.webhook, name="webhook"),
    path("payments/api/dossiers/<int:dossier_id>/payments/", views.api_create_for_dossier,
         name="api_create_for_dossier"),
    # SANDBOX (404 unless ONESTOP_PAYMENT_SANDBOX is on).
    path("sandbox/pay/<str:reference>/", views.sandbox_pay, name="sandbox_pay"),
    path("sandbox/gateway/", views.sandbox_gateway, name="sandbox_gateway"),
    # Staff.
    path("backoffice/payments/", staff_views.payment_list, name="staff_list"),
    path("backoffice/payments/refunds/", staff_views.refund_list, name="staff_refunds"),
    path("backoffice/payments/refunds/<int:pk>/<slug:action>/", staff_views.refund_decide,
         name="staff_refund_decide"),
    path("backoffice/payments/reconciliation/", reconciliation_views.run_list,
         name="reconciliation"),
    path("backoffice/payments/reconciliation/<int:pk>/", reconciliation_views.run_detail,
         name="reconciliation_run"),
    path("backoffice/payments/reconciliation/lines/<int:pk>/resolve/",
         reconciliation_views.line_resolve, name="reconciliation_resolve"),
    path("backoffice/payments/<str:reference>/", staff_views.payment_detail,
         name="staff_payment"),
    path("backoffice/dossiers/<int:pk>/fees/", staff_views.dossier_fees, name="staff_dossier"),
]
