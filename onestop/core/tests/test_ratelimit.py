"""Rate limits count once per address across server processes and surfaces (Redis when
configured, the database otherwise), and the Redis cache keeps one client per process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid

import pytest
from django.test import Client

from onestop.core import ratelimit
from onestop.testing import database_url

pytestmark = pytest.mark.django_db


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
BACKENDS = [pytest.param("", id="database"),
            pytest.param("redis://127.0.0.1:6379/14", id="redis", marks=needs_redis)]


def _address() -> str:
    return f"198.51.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


@pytest.mark.parametrize("redis_url", BACKENDS)
def test_the_lookup_page_and_the_api_share_one_allowance(city, settings, redis_url):
    settings.ONESTOP_REDIS_URL = redis_url
    settings.ONESTOP_LOOKUP_RATE_LIMIT = 4
    client = Client(REMOTE_ADDR=_address())
    page = [client.post("/tra-cuu/", {"code": "X", "factor": "1234"}).status_code
            for _ in range(2)]
    api = [client.get("/api/v1/lookup", {"code": "X", "factor": "1234"}).status_code
           for _ in range(2)]
    assert page == [200, 200] and api == [404, 404]  # four lookups: the allowance
    assert client.post("/tra-cuu/", {"code": "X", "factor": "1234"}).status_code == 429
    refused = client.get("/api/v1/lookup", {"code": "X", "factor": "1234"})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= settings.ONESTOP_LOOKUP_RATE_WINDOW


COUNT_IN_ANOTHER_PROCESS = """
import json, django
django.setup()
from django.test import RequestFactory
from onestop.core.ratelimit import lookup_over_limit
request = RequestFactory().get("/tra-cuu/", REMOTE_ADDR="{address}")
print(json.dumps([lookup_over_limit(request, scope="lookup") for _ in range(3)]))
"""


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("redis_url", BACKENDS)
def test_another_server_process_counts_against_the_same_allowance(settings, redis_url):
    settings.ONESTOP_REDIS_URL = redis_url
    settings.ONESTOP_LOOKUP_RATE_LIMIT = 5
    address = _address()
    request = Client(REMOTE_ADDR=address).get("/").wsgi_request
    here = [ratelimit.lookup_over_limit(request, scope="lookup") for _ in range(3)]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "onestop.settings",
           "DATABASE_URL": database_url(), "ONESTOP_REDIS_URL": redis_url,
           "ONESTOP_LOOKUP_RATE_LIMIT": "5"}
    done = subprocess.run([sys.executable, "-c", COUNT_IN_ANOTHER_PROCESS.format(
        address=address)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    there = json.loads(done.stdout.strip().splitlines()[-1])
    # Six lookups from one address in two processes against an allowance of five.
    assert here == [False, False, False] and there == [False, False, True]


def test_a_reset_counter_starts_again(settings):
    settings.ONESTOP_REDIS_URL = ""
    key = f"test:{uuid.uuid4()}"
    assert [ratelimit.count(key=key, window_seconds=60, now=1200).value
            for _ in range(3)] == [1, 2, 3]
    ratelimit.reset(key=key, window_seconds=60, now=1200)
    assert ratelimit.count(key=key, window_seconds=60, now=1200).value == 1
    assert ratelimit.count(key=key, window_seconds=60, now=1230).retry_after == 30


@needs_redis
def test_the_redis_cache_builds_one_client_per_process(settings, monkeypatch):
    import redis

    settings.CACHES = {"default": {"BACKEND": "onestop.core.cache.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/14"}}
    from django.core.cache import caches

    built: list[int] = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting)
    cache = caches["default"]
    for i in range(5):
        cache.set(f"onestop-test:{i}", i, 30)
        assert cache.get(f"onestop-test:{i}") == i
    assert len(built) == 1


def test_forgetting_old_windows_never_touches_another_keys_current_count(settings):
    # 2 December 2026, 05:40 UTC: the minute's number is a multiple of 50, so every API
    # sign-in counted then deleted "windows older than this one" of every key, including
    # the 15-minute windows of sign-in failures: the lock-out never came (a CI run failed).
    settings.ONESTOP_REDIS_URL = ""
    at = 1796190000.0  # 2026-12-02 05:40:00 UTC
    assert (int(at) // 60) % 50 == 0
    for expected in (1, 2):
        assert ratelimit.count(key="throttle:sign_in:account:officer", window_seconds=900,
                               now=at).value == expected
    for _ in range(2):  # the second count of a window cleans up (the first only creates it)
        ratelimit.count(key="auth:127.0.0.1", window_seconds=60, now=at)
    assert ratelimit.count(key="throttle:sign_in:account:officer", window_seconds=900,
                           now=at).value == 3
