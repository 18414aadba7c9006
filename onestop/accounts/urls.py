from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("dang-ky/", views.sign_up, name="sign_up"),
    path("dang-nhap/", views.CitizenLoginView.as_view(), name="login"),
    path("dang-xuat/", views.CitizenLogoutView.as_view(), name="logout"),
    path("quen-mat-khau/", views.CitizenPasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", views.CitizenPasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("dat-lai-mat-khau/<uidb64>/<token>/", views.CitizenPasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("dat-lai-mat-khau/xong/", views.CitizenPasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
]
