from django.urls import path

from . import staff_views

app_name = "notifications_staff"
urlpatterns = [
    path("", staff_views.feed, name="feed"),
    path("<int:pk>/", staff_views.open_notification, name="open"),
]
