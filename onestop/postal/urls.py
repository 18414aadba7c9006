from django.urls import path

from . import views

app_name = "postal"

urlpatterns = [
    path("callback/<slug:provider>/", views.callback, name="callback"),
]
