from django.urls import path

from . import views

app_name = "markets"
urlpatterns = [
    path("backoffice/markets/", views.market_list, name="list"),
    path("backoffice/markets/<int:pk>/", views.market_detail, name="detail"),
    path("backoffice/markets/<int:pk>/totals.csv", views.market_csv, name="csv"),
    path("backoffice/markets/<int:pk>/qr.pdf", views.market_qr_sheet, name="qr_sheet"),
]
