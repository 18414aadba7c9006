"""Mounted at the site root; every path has its own prefix (Vietnamese slugs like /tra-cuu/)."""

from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("danh-gia/<int:dossier_pk>/", views.rate, name="rate"),
    path("phan-anh/", views.public_list, name="public_list"),
    path("phan-anh/gui/", views.send, name="send"),
    path("phan-anh/da-gui/", views.sent, name="sent"),
    path("phan-anh/tra-cuu/", views.lookup, name="lookup"),
    path("backoffice/phan-anh/", views.bo_queue, name="bo_queue"),
    path("backoffice/phan-anh/<int:pk>/", views.bo_detail, name="bo_detail"),
    path("backoffice/phan-anh/<int:pk>/<slug:action>/", views.bo_act, name="bo_act"),
    path("backoffice/danh-gia/", views.bo_ratings, name="bo_ratings"),
]
