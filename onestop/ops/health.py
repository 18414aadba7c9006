"""Liveness and readiness (django-health-check runs the readiness checks)."""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from django.db.models import Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from onestop.ops.access import ops_allowed


def oldest_ready_task_age() -> datetime.timedelta | None:
    """How long the oldest task that could run now has waited (None: queue empty)."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    # ready(): the library's own definition (no run_after, or run_after passed).
    oldest = DBTaskResult.objects.ready().aggregate(oldest=Min("enqueued_at"))["oldest"]
    return None if oldest is None else now - oldest


@dataclasses.dataclass
class QueueLag(HealthCheck):
    """Fails when the oldest runnable task waited longer than ONESTOP_OPS_QUEUE_LAG_SECONDS:
    the workers are down or cannot keep up."""

    def run(self) -> None:
        limit = datetime.timedelta(seconds=settings.ONESTOP_OPS_QUEUE_LAG_SECONDS)
        age = oldest_ready_task_age()
        if age is not None and age > limit:
            raise ServiceUnavailable(f"oldest task waited {int(age.total_seconds())} s")


def live(request: HttpRequest) -> HttpResponse:
    """The process answers; touches no database so a DB outage does not restart the web."""
    return JsonResponse({"status": "ok"})


class ReadyView(HealthCheckView):
    checks = (
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "health_check.checks.Storage",
        QueueLag,
    )

    async def dispatch(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not ops_allowed(request):
            return JsonResponse({"error": "forbidden"}, status=403)
        return await super().dispatch(request, *args, **kwargs)

    async def get(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        await super().get(request, *args, **kwargs)
        # Always JSON: probes and people read the same document.
        return self.render_to_response_json(
            500 if any(result.error for result in self.results) else 200)
