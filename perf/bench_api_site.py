"""Settings and URLconf of the API benchmark (perf/bench_api.py): the project's settings on
a throw-away SQLite database (or ONESTOP_PERF_API_DATABASE_URL), plus a bare ninja endpoint
at /perf/api/bare (perf/bench_api_urls.py), the baseline of the API numbers."""

from __future__ import annotations

import os
import warnings

import dj_database_url

from onestop.settings import *  # noqa: F403 - the benchmark measures the real configuration
from onestop.settings import DATABASES as _PROJECT_DATABASES

if os.environ.get("ONESTOP_PERF_API_DATABASE_URL"):
    DATABASES = {**_PROJECT_DATABASES,
                 "default": dj_database_url.parse(os.environ["ONESTOP_PERF_API_DATABASE_URL"])}
ROOT_URLCONF = "perf.bench_api_urls"
DEBUG = False
# A benchmark key (never a production one): the worker refuses the published fallback key.
SECRET_KEY = (os.environ.get("ONESTOP_SECRET_KEY")
              or "perf-benchmark-key-7c1e9a4b2d8f6053-not-for-production-use")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# One client from one address: raised, not switched off, so the limiter's work is measured.
ONESTOP_LOOKUP_RATE_LIMIT = 10**9
ONESTOP_API_RATE_LIMIT = 10**9
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
warnings.filterwarnings("ignore", message="No directory at")
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "WARNING"}}
