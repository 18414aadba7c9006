"""Settings for the benchmarks: the project's settings, a dedicated PostgreSQL database,
a URLconf that adds a bare view (the baseline of the HTTP benchmark) and no lookup throttle.

Chosen by module name (``DJANGO_SETTINGS_MODULE=perf.settings_perf``, set by perf itself),
so nobody has to export ROOT_URLCONF or DATABASE_URL by hand to run the benchmarks.
"""

from __future__ import annotations

import os
import warnings

import dj_database_url

from onestop.settings import *  # noqa: F403 - the benchmarks measure the real configuration
from onestop.settings import DATABASES as _PROJECT_DATABASES

# The benchmarks own this database and fill it with a million rows: never the test database.
PERF_DATABASE_URL = os.environ.get(
    "ONESTOP_PERF_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onestop_perf"
)
_perf_db = dj_database_url.parse(PERF_DATABASE_URL, conn_max_age=60)
if _perf_db["NAME"] in {"test", "postgres", "template0", "template1"}:
    raise RuntimeError(f"refusing to benchmark in database {_perf_db['NAME']!r}")
DATABASES = {**_PROJECT_DATABASES, "default": _perf_db}

ROOT_URLCONF = "perf.urls_perf"
DEBUG = False
# A benchmark key (never a production one): the worker refuses the published fallback key.
SECRET_KEY = (os.environ.get("ONESTOP_SECRET_KEY")
              or "perf-benchmark-key-7c1e9a4b2d8f6053-not-for-production-use")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

# One client hammers one dossier from one address: the public lookup's per-address throttle
# would turn the benchmark into a measure of 429 responses. Raised, not switched off (0), so
# the limiter's cache round trips stay in what is measured.
ONESTOP_LOOKUP_RATE_LIMIT = 10**9
# The staff benchmark files and receives hundreds of dossiers as one citizen and one officer.
ONESTOP_API_RATE_LIMIT = 10**9
# The webhook benchmark posts every notification from one address, like one bank.
ONESTOP_WEBHOOK_RATE_LIMIT = 10**9

# STATIC_ROOT is not collected for benchmarks; WhiteNoise serves from the finders instead.
warnings.filterwarnings("ignore", message="No directory at")

# Quiet: a log line per request would be part of what is measured.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
