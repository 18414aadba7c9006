from django.urls import path, re_path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("", views.queue, name="home"),
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", views.StaffLogoutView.as_view(), name="logout"),
    path("intake/", views.intake_start, name="intake"),
    path("intake/<int:version_pk>/", views.intake_details, name="intake_details"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/act/<slug:action>/", views.dossier_act, name="dossier_act"),
    path("dossiers/<int:pk>/documents/<int:doc_pk>/", views.dossier_document,
         name="dossier_document"),
    re_path(r"^dossiers/(?P<pk>\d+)/forms/(?P<form>receipt|supplement|refusal|apology|control)"
            r"\.pdf$", views.dossier_form_pdf, name="dossier_form"),
    path("apologies/", views.apologies, name="apologies"),
    path("apologies/<int:pk>/<slug:action>/", views.apology_act, name="apology_act"),
]
