"""/ops/health/live, /ops/health/ready and /ops/metrics: real checks, real failures."""

import datetime
import socket

import pytest
from django.db import connections
from django.utils import timezone

TOKEN = "ops-test-token-0123456789"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def ops_token(settings):
    settings.ONESTOP_OPS_TOKEN = TOKEN
    settings.ONESTOP_OPS_ALLOW = []
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


def test_live_answers_without_token_or_database(client, settings):
    # No django_db mark: any database access here would raise.
    settings.ONESTOP_OPS_TOKEN = TOKEN
    response = client.get("/ops/health/live", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db(transaction=True)
def test_ready_reports_every_check_as_json(client, ops_token):
    response = client.get("/ops/health/ready", **ops_token)
    assert response.status_code == 200, response.content
    body = response.json()
    assert {k.split("(")[0] for k in body} >= {"Database", "Cache", "Storage", "QueueLag"}
    assert set(body.values()) == {"OK"}


@pytest.mark.django_db(transaction=True)
def test_ready_and_metrics_refuse_without_token(client, ops_token):
    assert client.get("/ops/health/ready", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert client.get("/ops/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    wrong = {"HTTP_AUTHORIZATION": "Bearer nope"}
    assert client.get("/ops/metrics", REMOTE_ADDR="203.0.113.9", **wrong).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_allow_list_admits_an_address_without_token(client, settings):
    settings.ONESTOP_OPS_TOKEN = TOKEN
    settings.ONESTOP_OPS_ALLOW = ["10.1.0.0/16"]
    assert client.get("/ops/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/ops/metrics", REMOTE_ADDR="10.2.2.3").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_ready_fails_when_the_database_is_unreachable(client, ops_token, monkeypatch):
    db = connections.settings["default"]
    if db["ENGINE"].endswith("sqlite3"):
        monkeypatch.setitem(db, "NAME", "/nonexistent-dir/onestop.sqlite3")
    else:
        monkeypatch.setitem(db, "HOST", "127.0.0.1")
        monkeypatch.setitem(db, "PORT", _closed_port())
    response = client.get("/ops/health/ready", **ops_token)
    assert response.status_code == 500
    database = [v for k, v in response.json().items() if k.startswith("Database")]
    assert database and database[0] != "OK"


@pytest.mark.django_db(transaction=True)
def test_ready_fails_when_the_cache_is_unreachable(client, ops_token, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{_closed_port()}/15"}}
    response = client.get("/ops/health/ready", **ops_token)
    assert response.status_code == 500
    cache = [v for k, v in response.json().items() if k.startswith("Cache")]
    assert cache and cache[0] != "OK"


def _enqueue_ready_task(age: datetime.timedelta) -> None:
    from django_tasks_db.models import DBTaskResult, get_date_max

    task = DBTaskResult.objects.create(
        status="READY", task_path="onestop.nowhere", run_after=get_date_max(),
        args_kwargs={"args": [], "kwargs": {}}, priority=0, queue_name="default",
        backend_name="default")
    # enqueued_at is set on insert: age it afterwards.
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - age)


@pytest.mark.django_db(transaction=True)
def test_ready_fails_when_the_queue_lags_past_the_threshold(client, ops_token, settings):
    settings.ONESTOP_OPS_QUEUE_LAG_SECONDS = 60
    _enqueue_ready_task(datetime.timedelta(seconds=10))
    assert client.get("/ops/health/ready", **ops_token).status_code == 200
    _enqueue_ready_task(datetime.timedelta(minutes=5))
    response = client.get("/ops/health/ready", **ops_token)
    assert response.status_code == 500
    assert "waited" in [v for k, v in response.json().items() if k.startswith("QueueLag")][0]


@pytest.mark.django_db(transaction=True)
def test_metrics_expose_requests_and_backlog_gauges(client, ops_token):
    _enqueue_ready_task(datetime.timedelta(seconds=1))
    _enqueue_ready_task(datetime.timedelta(seconds=1))
    client.get("/ops/health/live")
    text = client.get("/ops/metrics", **ops_token).content.decode()
    assert "onestop_task_queue_depth 2.0" in text
    assert "onestop_dossiers_overdue 0.0" in text
    assert "onestop_notification_backlog 0.0" in text
    assert 'onestop_http_requests_total{method="GET",status="200"}' in text
    assert "onestop_http_request_duration_seconds_bucket" in text
