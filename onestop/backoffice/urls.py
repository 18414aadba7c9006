"""Every staff page, mounted at /backoffice/ (the paths are the ones staff have bookmarked)."""

from django.urls import path, re_path

from .views import apologies, auth, dossiers, intake, payments, queue, reconciliation

app_name = "backoffice"
urlpatterns = [
    path("", queue.queue, name="home"),
    path("login/", auth.StaffLoginView.as_view(), name="login"),
    path("logout/", auth.StaffLogoutView.as_view(), name="logout"),
    # Dossiers
    path("intake/", intake.intake_start, name="intake"),
    path("intake/<int:version_pk>/", intake.intake_details, name="intake_details"),
    path("dossiers/<int:pk>/", dossiers.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/act/<slug:action>/", dossiers.dossier_act, name="dossier_act"),
    path("dossiers/<int:pk>/documents/<int:doc_pk>/", dossiers.dossier_document,
         name="dossier_document"),
    re_path(r"^dossiers/(?P<pk>\d+)/forms/(?P<form>receipt|supplement|refusal|apology|control)"
            r"\.pdf$", dossiers.dossier_form_pdf, name="dossier_form"),
    path("dossiers/<int:pk>/fees/", payments.dossier_fees, name="dossier_fees"),
    path("apologies/", apologies.apologies, name="apologies"),
    path("apologies/<int:pk>/<slug:action>/", apologies.apology_act, name="apology_act"),
    # Payments
    path("payments/", payments.payment_list, name="payments"),
    path("payments/refunds/", payments.refund_list, name="refunds"),
    path("payments/refunds/<int:pk>/<slug:action>/", payments.refund_decide,
         name="refund_decide"),
    path("payments/reconciliation/", reconciliation.run_list, name="reconciliation"),
    path("payments/reconciliation/<int:pk>/", reconciliation.run_detail,
         name="reconciliation_run"),
    path("payments/reconciliation/lines/<int:pk>/resolve/", reconciliation.line_resolve,
         name="reconciliation_resolve"),
    path("payments/<str:reference>/", payments.payment_detail, name="payment"),
]
