from django.urls import path

from . import oidc_views

app_name = "accounts_oidc"
urlpatterns = [
    path("", oidc_views.eid_start, name="start"),
    path("callback/", oidc_views.eid_callback, name="callback"),
]
