from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("billing/api/bills", views.api_bills, name="api_bills"),
    path("hoa-don/", views.lookup, name="lookup"),
    path("hoa-don/<int:pk>/thanh-toan/", views.pay, name="pay"),
    path("backoffice/billing/", views.staff_billers, name="staff_billers"),
    path("backoffice/billing/<int:pk>/", views.staff_biller, name="staff_biller"),
]
