from django.urls import path, re_path

from .views import apologies, auth, dossiers, intake, queue

app_name = "backoffice"
urlpatterns = [
    path("", queue.queue, name="home"),
    path("login/", auth.StaffLoginView.as_view(), name="login"),
    path("logout/", auth.StaffLogoutView.as_view(), name="logout"),
    path("intake/", intake.intake_start, name="intake"),
    path("intake/<int:version_pk>/", intake.intake_details, name="intake_details"),
    path("dossiers/<int:pk>/", dossiers.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/act/<slug:action>/", dossiers.dossier_act, name="dossier_act"),
    path("dossiers/<int:pk>/documents/<int:doc_pk>/", dossiers.dossier_document,
         name="dossier_document"),
    re_path(r"^dossiers/(?P<pk>\d+)/forms/(?P<form>receipt|supplement|refusal|apology|control)"
            r"\.pdf$", dossiers.dossier_form_pdf, name="dossier_form"),
    path("apologies/", apologies.apologies, name="apologies"),
    path("apologies/<int:pk>/<slug:action>/", apologies.apology_act, name="apology_act"),
]
