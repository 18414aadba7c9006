"""Prometheus metrics (prometheus_client): request count and latency, plus backlog gauges.

The backlog gauges are computed when Prometheus scrapes (cheap COUNTs through
onestop.ops.selectors), so every process reports the same truth and nothing goes stale.
Under gunicorn each worker is its own process: `onestop serve` sets PROMETHEUS_MULTIPROC_DIR
and the request metrics are then summed over the workers' files (prometheus_client's
multiprocess mode).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from onestop.ops import selectors
from onestop.ops.access import ops_allowed

REQUESTS = Counter("onestop_http_requests_total", "HTTP requests answered.",
                   ["method", "status"])
LATENCY = Histogram("onestop_http_request_duration_seconds", "Time to answer a request.",
                    ["method"])


class BacklogCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, doc, count in (
            ("onestop_task_queue_depth", "Tasks waiting for a worker.",
             selectors.ready_task_count),
            ("onestop_task_running", "Tasks being run by a worker.",
             selectors.running_task_count),
            ("onestop_dossiers_overdue", "Dossiers past their legal due moment.",
             selectors.overdue_dossier_count),
            ("onestop_notification_backlog", "Notifications not yet sent.",
             selectors.pending_notification_count),
        ):
            yield GaugeMetricFamily(name, doc, value=count())


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        for collector in (REQUESTS, LATENCY):
            registry.register(collector)
    registry.register(BacklogCollector())
    return registry


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not ops_allowed(request):
        return JsonResponse({"error": "forbidden"}, status=403)
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        LATENCY.labels(request.method).observe(time.perf_counter() - start)
        REQUESTS.labels(request.method, str(response.status_code)).inc()
        return response


