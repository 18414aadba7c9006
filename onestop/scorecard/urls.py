"""Mounted at the site root: the back-office pages under /backoffice/scorecard/, the public
transparency page at /minh-bach/."""

from django.urls import path, re_path

from . import views

app_name = "scorecard"
urlpatterns = [
    path("backoffice/scorecard/", views.dashboard, name="dashboard"),
    path("backoffice/scorecard/u/<int:unit_id>/", views.unit_page, name="unit"),
    path("backoffice/scorecard/u/<int:unit_id>/p/<int:procedure_id>/", views.late,
         name="late"),
    path("backoffice/scorecard/dti/", views.dti_page, name="dti"),
    path("backoffice/scorecard/manage/", views.manage, name="manage"),
    path("backoffice/scorecard/refresh/", views.refresh_now, name="refresh"),
    re_path(r"^backoffice/scorecard/export/(?P<table>[a-z]+)\.(?P<fmt>csv|xlsx)$",
            views.export_table, name="export"),
    path("minh-bach/", views.transparency, name="public"),
    re_path(r"^minh-bach/so-lieu\.(?P<fmt>csv|xlsx)$", views.transparency_export,
            name="public_export"),
]
