from django.urls import path

from onestop.ops.health import ReadyView, live
from onestop.ops.metrics import metrics_view

urlpatterns = [
    path("health/live", live, name="ops_live"),
    path("health/ready", ReadyView.as_view(), name="ops_ready"),
    path("metrics", metrics_view, name="ops_metrics"),
]
