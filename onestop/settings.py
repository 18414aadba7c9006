"""One settings module, read from environment variables.

Safe local defaults (SQLite under the data directory, console e-mail, DEBUG off unless asked);
every value that comes from the environment is parsed by a typed helper that raises
ImproperlyConfigured on bad input instead of silently guessing.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from onestop.core.storage import storage_from_url as _storage_from_url

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env_optional_bool(name)
    return default if value is None else value


def env_optional_bool(name: str) -> bool | None:
    """True/False when the variable is set, None when it is unset or empty."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return None
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DATA_DIR = Path(env_str("ONESTOP_DATA_DIR", "./data")).resolve()

DEBUG = env_bool("ONESTOP_DEBUG", False)
# Local and demo runs only: a fixed, clearly-named key published with the code. The web
# server and the worker refuse to start on it outside debug and `onestop demo`, and payment
# secrets are never derived from it there (onestop/core/secrets.py); offline commands run.
ONESTOP_FALLBACK_SECRET_KEY = "onestop-insecure-local-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("ONESTOP_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("ONESTOP_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("ONESTOP_SECRET_KEY must be set in production")
    SECRET_KEY = ONESTOP_FALLBACK_SECRET_KEY

ALLOWED_HOSTS = env_list("ONESTOP_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("ONESTOP_CSRF_TRUSTED_ORIGINS", [])

# Public base URL, used in QR codes printed on receipts (they must work off the screen).
PUBLIC_BASE_URL = env_str("ONESTOP_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# HTTPS behind the TLS reverse proxy of docs/operations.md: one switch for HSTS, secure
# cookies, the redirect to https and the proxy's X-Forwarded-Proto header (which the proxy
# must set itself, overwriting any the client sent). Off by default: a local run is plain http.
ONESTOP_HTTPS = env_bool("ONESTOP_HTTPS", False)
ONESTOP_HSTS_SECONDS = env_int("ONESTOP_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
if ONESTOP_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = ONESTOP_HSTS_SECONDS
    # Government sites keep every subdomain on https; `preload` only permits a submission to
    # the browsers' preload list (hstspreload.org), which stays the operator's decision.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ONESTOP_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("ONESTOP_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "csp",
    # django-ninja's own static files: the API docs page serves Swagger UI from here, not a CDN.
    "ninja",
    "onestop.core",
    "onestop.accounts",
    "onestop.agencies",
    "onestop.catalog",
    "onestop.dossiers",
    "onestop.backoffice",
    "onestop.portal",
    "onestop.feedback",
    "onestop.payments",
    "onestop.notifications",
    "onestop.api",
    "onestop.scorecard",
    "onestop.billing",
    "onestop.markets",
    "onestop.ops",
    "onestop.sandbox",
    "onestop.exchange",
    "onestop.signatures",
    "onestop.community",
    "onestop.guide",
    "onestop.national",
    "onestop.postal",
]

MIDDLEWARE = [
    "onestop.ops.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "onestop.core.middleware.VietnameseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "onestop.accounts.sessions.SessionRulesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "onestop.core.middleware.DomainErrorMiddleware",
]

# Content-Security-Policy on every response (django-csp): everything from this site only,
# nothing inline, no frames; QR codes are data: images. Stored files get `sandbox` instead
# (onestop/core/files.py). The payment gateway's page is a form target when it is configured.
_gateway_origin = "/".join(os.environ.get("ONESTOP_GATEWAY_URL", "").split("/")[:3])
# The payment page's form redirects the payer to the national payment platform: browsers
# apply form-action to the redirect too, so its origin must be allowed like the gateway's.
_national_payment_origin = "/".join(
    os.environ.get("ONESTOP_NATIONAL_PAYMENT_URL", "").split("/")[:3])
# The city guide's map tiles (onestop.guide): an XYZ template such as
# "https://tiles.example.org/{z}/{x}/{y}.png". Empty (the default): no tiles at all, the maps
# draw places and roads over a plain background and the lists beside them stay the way in.
ONESTOP_GUIDE_TILE_URL = os.environ.get("ONESTOP_GUIDE_TILE_URL", "").strip()
ONESTOP_GUIDE_TILE_ATTRIBUTION = os.environ.get("ONESTOP_GUIDE_TILE_ATTRIBUTION", "").strip()
_tile_origin = "/".join(ONESTOP_GUIDE_TILE_URL.split("/")[:3]) if ONESTOP_GUIDE_TILE_URL else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_tile_origin] if _tile_origin else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *[o for o in (_gateway_origin, _national_payment_origin) if o]],
    },
}

ROOT_URLCONF = "onestop.urls"
WSGI_APPLICATION = "onestop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "onestop.core.context_processors.demo_banner",
            ],
        },
    },
]

# Form widgets render through Jinja2 (Django's own widget templates, compiled): through the
# Django template engine every <option> of a select was two template includes, about 80 ms
# of the staff queue page's filter form (issue 13). Pages stay Django templates.
FORM_RENDERER = "django.forms.renderers.Jinja2"

_sqlite_path = DATA_DIR / "onestop.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except Exception as exc:  # dj_database_url raises several types on junk input
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_sqlite_path),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one
                # failing half-way with "database is locked" (SQLite has no row locks).
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
# Test databases are named per process so two test runs on one machine never drop each
# other's database half-way.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not SQLite's shared-cache memory database: shared cache has table locks that
    # fail at once instead of waiting, which would defeat the concurrency tests.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_onestop_{os.getpid()}"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "backoffice:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"


def _leaflet_static() -> str:
    # Leaflet's own files (leaflet/leaflet.js, leaflet.css, images/) as django-leaflet ships
    # them: the guide's maps load Leaflet from this site, never from a CDN. Only the static
    # folder is used; the package is not an installed app (its map widget needs GDAL).
    import importlib.util

    spec = importlib.util.find_spec("leaflet")
    if spec is None or not spec.submodule_search_locations:
        raise ImproperlyConfigured("django-leaflet is not installed: pip install -e .")
    return str(Path(list(spec.submodule_search_locations)[0]) / "static")


STATICFILES_DIRS = [_leaflet_static()]
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
# Stored files on the local disk, or in an S3-compatible store (onestop/core/storage.py).
ONESTOP_STORAGE_URL = env_str("ONESTOP_STORAGE_URL", "")
STORAGES = {
    "default": _storage_from_url(ONESTOP_STORAGE_URL),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = env_str("ONESTOP_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("ONESTOP_FROM_EMAIL", "onestop@localhost")

TASKS = {
    "default": {
        "BACKEND": env_str("ONESTOP_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# The city's own QCVN 102:2016 H-code was not found in public sources: configurable.
ONESTOP_CITY_NAME = env_str("ONESTOP_CITY_NAME", "Thành phố Cần Thơ")
ONESTOP_CITY_PLACE = env_str("ONESTOP_CITY_PLACE", "Cần Thơ")
# The citizens' hotline shown on the home and help pages; empty: the phone of the city's
# public administration service centre (its agency record) stands in.
ONESTOP_HOTLINE = env_str("ONESTOP_HOTLINE", "")
ONESTOP_PROVINCE_CODE = env_int("ONESTOP_PROVINCE_CODE", 92)
# Demo code (H92 is outside the real range): set the city's real code when it is known.
ONESTOP_CITY_AGENCY_CODE = env_str("ONESTOP_CITY_AGENCY_CODE", "000.00.00.H92")
# Set by `onestop demo`: pages show a banner saying the data are fictitious.
ONESTOP_DEMO = env_bool("ONESTOP_DEMO", False)
# Public status lookup: at most this many lookups per IP address in the window (seconds).
ONESTOP_LOOKUP_RATE_LIMIT = env_int("ONESTOP_LOOKUP_RATE_LIMIT", 30)
ONESTOP_LOOKUP_RATE_WINDOW = env_int("ONESTOP_LOOKUP_RATE_WINDOW", 300)
# How often `onestop worker` runs the deadline sweep, in seconds.
ONESTOP_SWEEP_INTERVAL = env_int("ONESTOP_SWEEP_INTERVAL", 300, minimum=1)
# Community visits (onestop.community): the author may correct a visit for this many hours,
# then only the team leader; a batch from a phone holds at most this many visits.
ONESTOP_COMMUNITY_CORRECTION_HOURS = env_int("ONESTOP_COMMUNITY_CORRECTION_HOURS", 24, minimum=0)
ONESTOP_COMMUNITY_BATCH_MAX = env_int("ONESTOP_COMMUNITY_BATCH_MAX", 200, minimum=1)
# City guide (onestop.guide). The province's bounding box "south,west,north,east" in degrees:
# places, reports and imports outside it are refused (the default covers Cần Thơ since the
# 2025 merger with Hậu Giang and Sóc Trăng, with a margin).
ONESTOP_GUIDE_BOUNDS = env_str("ONESTOP_GUIDE_BOUNDS", "9.15,105.20,10.40,106.40")
# A citizen's flooding or incident report, once approved, counts as current for this long.
ONESTOP_GUIDE_CITIZEN_REPORT_HOURS = env_int("ONESTOP_GUIDE_CITIZEN_REPORT_HOURS", 3, minimum=1)
# Photos are stored resized to fit this many pixels on their longer side (JPEG).
ONESTOP_GUIDE_PHOTO_MAX_PX = env_int("ONESTOP_GUIDE_PHOTO_MAX_PX", 1600, minimum=64)
# The national tax authority's e-services the tax page links to (settings: the addresses may
# change; the defaults are the General Department of Taxation's published ones).
ONESTOP_GUIDE_ETAX_URL = env_str("ONESTOP_GUIDE_ETAX_URL", "https://thuedientu.gdt.gov.vn/")
ONESTOP_GUIDE_ETAX_PERSONAL_URL = env_str("ONESTOP_GUIDE_ETAX_PERSONAL_URL",
                                          "https://canhan.gdt.gov.vn/")
ONESTOP_GUIDE_ETAX_APP_NAME = env_str("ONESTOP_GUIDE_ETAX_APP_NAME", "eTax Mobile")
# Reminders to applicants of a result waiting to be collected and of fees still owed: the
# first after this many calendar days in the status, then every N days, at most MAX; the
# sweep runs every INTERVAL seconds (a service choice, not a legal rule).
ONESTOP_REMINDER_AFTER_DAYS = env_int("ONESTOP_REMINDER_AFTER_DAYS", 3, minimum=1)
ONESTOP_REMINDER_EVERY_DAYS = env_int("ONESTOP_REMINDER_EVERY_DAYS", 7, minimum=1)
ONESTOP_REMINDER_MAX = env_int("ONESTOP_REMINDER_MAX", 3, minimum=1)
ONESTOP_REMINDER_INTERVAL = env_int("ONESTOP_REMINDER_INTERVAL", 3600, minimum=1)


def env_working_days(name: str, default: str, *, minimum: str = "0") -> str:
    """A number of working days as a decimal string (never a float), at least `minimum`."""
    from decimal import Decimal, InvalidOperation

    raw = os.environ.get(name) or default
    try:
        value = Decimal(raw.strip())
    except InvalidOperation as exc:
        raise ImproperlyConfigured(f"{name} must be a number of working days, got {raw!r}") \
            from exc
    if not value.is_finite() or value < Decimal(minimum):
        raise ImproperlyConfigured(f"{name} must be at least {minimum} working days, got {raw!r}")
    return str(value)


# Apology letters (form 04) must reach the applicant one working day before the deadline
# (Decree 61/2018/NĐ-CP Art. 19, docs/legal-rules.md); the sweep drafts them this many working
# days before it so a leader has time to sign. The law sets no lead time: the province does.
ONESTOP_APOLOGY_LEAD_DAYS = env_working_days("ONESTOP_APOLOGY_LEAD_DAYS", "2", minimum="1")
# Feedback (PAKN) is answered within this many working days of receipt; the default is the
# service index's on-time measure (Decision 766/QĐ-TTg, docs/legal-rules.md).
ONESTOP_FEEDBACK_ANSWER_DAYS = env_working_days("ONESTOP_FEEDBACK_ANSWER_DAYS", "15",
                                                minimum="0.5")
# Citizen portal: uploads are sniffed (PDF, JPEG, PNG) and limited in size and number per
# filing; staff sessions end at browser close and after this idle time, citizens' last days.
ONESTOP_UPLOAD_MAX_BYTES = env_int("ONESTOP_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
ONESTOP_UPLOAD_MAX_FILES = env_int("ONESTOP_UPLOAD_MAX_FILES", 20)
ONESTOP_STAFF_IDLE_SECONDS = env_int("ONESTOP_STAFF_IDLE_SECONDS", 8 * 3600)
ONESTOP_CITIZEN_SESSION_DAYS = env_int("ONESTOP_CITIZEN_SESSION_DAYS", 14)
# Notifications (docs/notifications.md): retries with exponential back-off from the base
# delay; a claimed row is given back after the lease if its worker died mid-send.
ONESTOP_NOTIFY_MAX_ATTEMPTS = env_int("ONESTOP_NOTIFY_MAX_ATTEMPTS", 6)
ONESTOP_NOTIFY_RETRY_BASE = env_int("ONESTOP_NOTIFY_RETRY_BASE", 60)
ONESTOP_NOTIFY_LEASE = env_int("ONESTOP_NOTIFY_LEASE", 300)
ONESTOP_NOTIFY_TIMEOUT = env_int("ONESTOP_NOTIFY_TIMEOUT", 10)
# How often `onestop worker` runs the notification catch-up (deliver_due_task), in seconds.
ONESTOP_NOTIFY_CATCHUP_INTERVAL = env_int("ONESTOP_NOTIFY_CATCHUP_INTERVAL", 60, minimum=1)
# SMS: "console" (log only, local use) or "http" (JSON POST with a bearer token).
ONESTOP_SMS_PROVIDER = env_str("ONESTOP_SMS_PROVIDER", "console")
ONESTOP_SMS_HTTP_URL = env_str("ONESTOP_SMS_HTTP_URL", "")
ONESTOP_SMS_HTTP_TOKEN = env_str("ONESTOP_SMS_HTTP_TOKEN", "")
ONESTOP_SMS_SENDER = env_str("ONESTOP_SMS_SENDER", "ONESTOP")
# Zalo ZNS (docs/notifications.md): the send endpoint, the OA's access token, and what the
# webhook's signature is made of. Empty URL = no Zalo channel. `onestop zalo standin` runs
# a local STAND-IN (http://127.0.0.1:8793/message/template).
ONESTOP_ZALO_URL = env_str("ONESTOP_ZALO_URL", "")
ONESTOP_ZALO_TOKEN = env_str("ONESTOP_ZALO_TOKEN", "")
ONESTOP_ZALO_APP_ID = env_str("ONESTOP_ZALO_APP_ID", "")
ONESTOP_ZALO_OA_SECRET = env_str("ONESTOP_ZALO_OA_SECRET", "")
# A callback older than this (seconds, by its own timestamp) is refused as a replay.
ONESTOP_ZALO_CALLBACK_MAX_AGE = env_int("ONESTOP_ZALO_CALLBACK_MAX_AGE", 600)
# A message Zalo cannot deliver (unknown phone, failed callback) goes out again as an SMS.
ONESTOP_ZALO_SMS_FALLBACK = env_bool("ONESTOP_ZALO_SMS_FALLBACK", True)
# Web Push (VAPID, RFC 8292): keys from `vapid --gen`; empty private key = push disabled.
ONESTOP_VAPID_PRIVATE_KEY = env_str("ONESTOP_VAPID_PRIVATE_KEY", "")
ONESTOP_VAPID_PUBLIC_KEY = env_str("ONESTOP_VAPID_PUBLIC_KEY", "")
ONESTOP_VAPID_SUBJECT = env_str("ONESTOP_VAPID_SUBJECT", "mailto:onestop@localhost")
# JSON API (docs/api.md): token lifetimes, per-client rate limits (Redis when configured,
# the database otherwise).
ONESTOP_REDIS_URL = env_str("ONESTOP_REDIS_URL", "")
# The cache holds rate-limit counters and rendered public status pages. With several
# server processes use Redis, so a dossier change clears its cached page everywhere at
# once; the per-process default clears it in the changing process and lets other processes
# serve a page at most ONESTOP_PUBLIC_PAGE_SECONDS old.
# Operations endpoints (docs/operations.md): /ops/health/ready and /ops/metrics need this
# bearer token or a client address in ONESTOP_OPS_ALLOW (comma-separated addresses/networks).
ONESTOP_OPS_TOKEN = env_str("ONESTOP_OPS_TOKEN", "")
ONESTOP_OPS_ALLOW = [a for a in env_str("ONESTOP_OPS_ALLOW", "").split(",") if a.strip()]
# Readiness fails when the oldest runnable task has waited longer than this.
ONESTOP_OPS_QUEUE_LAG_SECONDS = env_int("ONESTOP_OPS_QUEUE_LAG_SECONDS", 300)

CACHES: dict[str, dict[str, object]]
if ONESTOP_REDIS_URL:
    # Django's RedisCache with one client per process (onestop/core/cache.py).
    CACHES = {"default": {"BACKEND": "onestop.core.cache.RedisCache",
                          "LOCATION": ONESTOP_REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": 50_000}}}
ONESTOP_PUBLIC_PAGE_SECONDS = env_int("ONESTOP_PUBLIC_PAGE_SECONDS", 30)
ONESTOP_API_ACCESS_SECONDS = env_int("ONESTOP_API_ACCESS_SECONDS", 15 * 60)
ONESTOP_API_REFRESH_DAYS = env_int("ONESTOP_API_REFRESH_DAYS", 30)
ONESTOP_API_RATE_LIMIT = env_int("ONESTOP_API_RATE_LIMIT", 600)
ONESTOP_API_RATE_WINDOW = env_int("ONESTOP_API_RATE_WINDOW", 60)
ONESTOP_API_AUTH_RATE_LIMIT = env_int("ONESTOP_API_AUTH_RATE_LIMIT", 20)
# Sign-in, password reset and sign-up throttles (accounts.throttle, docs/security.md): this
# many failed sign-ins per account / per address within the window, reset requests per e-mail
# / per address, sign-ups per address, lock out for ONESTOP_THROTTLE_LOCKOUT seconds; 0 = off.
# The address limits are higher: many people share one address behind a carrier's NAT.
ONESTOP_THROTTLE_SIGNIN_ACCOUNT = env_int("ONESTOP_THROTTLE_SIGNIN_ACCOUNT", 5)
ONESTOP_THROTTLE_SIGNIN_ADDRESS = env_int("ONESTOP_THROTTLE_SIGNIN_ADDRESS", 30)
ONESTOP_THROTTLE_SIGNIN_WINDOW = env_int("ONESTOP_THROTTLE_SIGNIN_WINDOW", 15 * 60)
ONESTOP_THROTTLE_RESET_ACCOUNT = env_int("ONESTOP_THROTTLE_RESET_ACCOUNT", 3)
ONESTOP_THROTTLE_RESET_ADDRESS = env_int("ONESTOP_THROTTLE_RESET_ADDRESS", 10)
ONESTOP_THROTTLE_RESET_WINDOW = env_int("ONESTOP_THROTTLE_RESET_WINDOW", 3600)
ONESTOP_THROTTLE_SIGNUP_ADDRESS = env_int("ONESTOP_THROTTLE_SIGNUP_ADDRESS", 20)
ONESTOP_THROTTLE_SIGNUP_WINDOW = env_int("ONESTOP_THROTTLE_SIGNUP_WINDOW", 3600)
ONESTOP_THROTTLE_LOCKOUT = env_int("ONESTOP_THROTTLE_LOCKOUT", 15 * 60)
# Audit checkpoints (core.checkpoints, docs/operations.md §6): the chain head signed with an
# Ed25519 key kept in a file (never in the database; created on first use), appended to a
# file that operators copy off the machine, every interval (seconds) when events were added.
ONESTOP_AUDIT_SIGNING_KEY = env_str("ONESTOP_AUDIT_SIGNING_KEY",
                                    str(DATA_DIR / "audit-signing-key.pem"))
# One file per database by default, so a demo, a benchmark and production never mix theirs.
_database_label = Path(str(DATABASES["default"]["NAME"])).stem or "default"
ONESTOP_AUDIT_CHECKPOINT_FILE = env_str(
    "ONESTOP_AUDIT_CHECKPOINT_FILE", str(DATA_DIR / f"audit-checkpoints-{_database_label}.jsonl"))
ONESTOP_AUDIT_CHECKPOINT_INTERVAL = env_int("ONESTOP_AUDIT_CHECKPOINT_INTERVAL", 300)
for _name in ("ONESTOP_THROTTLE_SIGNIN_WINDOW", "ONESTOP_THROTTLE_RESET_WINDOW",
              "ONESTOP_THROTTLE_SIGNUP_WINDOW", "ONESTOP_THROTTLE_LOCKOUT",
              "ONESTOP_LOOKUP_RATE_WINDOW", "ONESTOP_API_RATE_WINDOW",
              "ONESTOP_AUDIT_CHECKPOINT_INTERVAL"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1 (seconds)")
# e-ID sign-in (OpenID Connect, authorization code + PKCE): empty discovery URL = off.
ONESTOP_OIDC_DISCOVERY_URL = env_str("ONESTOP_OIDC_DISCOVERY_URL", "")
ONESTOP_OIDC_CLIENT_ID = env_str("ONESTOP_OIDC_CLIENT_ID", "")
ONESTOP_OIDC_CLIENT_SECRET = env_str("ONESTOP_OIDC_CLIENT_SECRET", "")
ONESTOP_OIDC_SCOPES = env_str("ONESTOP_OIDC_SCOPES", "openid profile")
ONESTOP_OIDC_CCCD_CLAIM = env_str("ONESTOP_OIDC_CCCD_CLAIM", "cccd")
ONESTOP_OIDC_NAME_CLAIM = env_str("ONESTOP_OIDC_NAME_CLAIM", "name")
ONESTOP_OIDC_PROVIDER_LABEL = env_str("ONESTOP_OIDC_PROVIDER_LABEL", "VNeID")
# Payments (onestop.payments, docs/payments.md): the account VietQR transfers go to, and the
# secrets shared with the bank (webhook HMAC-SHA256) and the gateway (HMAC-SHA512). Empty
# secrets are derived from SECRET_KEY (fine locally); production sets the real ones. The
# sandbox (a bank and gateway simulator) is on in debug and demo runs only.
ONESTOP_PAYMENT_BANK_BIN = env_str("ONESTOP_PAYMENT_BANK_BIN", "970415")
ONESTOP_PAYMENT_ACCOUNT = env_str("ONESTOP_PAYMENT_ACCOUNT", "0011001932418")
ONESTOP_PAYMENT_BENEFICIARY = env_str("ONESTOP_PAYMENT_BENEFICIARY",
                                      "TRUNG TAM PHUC VU HANH CHINH CONG")
ONESTOP_VIETQR_WEBHOOK_SECRET = env_str("ONESTOP_VIETQR_WEBHOOK_SECRET", "")
ONESTOP_GATEWAY_URL = env_str("ONESTOP_GATEWAY_URL", "")  # empty: the sandbox gateway page
ONESTOP_GATEWAY_MERCHANT = env_str("ONESTOP_GATEWAY_MERCHANT", "ONESTOP01")
ONESTOP_GATEWAY_SECRET = env_str("ONESTOP_GATEWAY_SECRET", "")
# None (unset): on exactly when DEBUG or ONESTOP_DEMO is, judged at each use, because
# `onestop demo` switches the demo on after this module is read.
ONESTOP_PAYMENT_SANDBOX = env_optional_bool("ONESTOP_PAYMENT_SANDBOX")
ONESTOP_PAYMENT_SANDBOX_SECRET = env_str("ONESTOP_PAYMENT_SANDBOX_SECRET", "")
# The national payment platform (issue 18, payments/providers/national.py): off by default.
# Confirmations are HMAC-SHA256 signed with this secret (empty: derived from SECRET_KEY).
ONESTOP_NATIONAL_PAYMENT = env_bool("ONESTOP_NATIONAL_PAYMENT", False)
ONESTOP_NATIONAL_PAYMENT_URL = env_str("ONESTOP_NATIONAL_PAYMENT_URL", "").rstrip("/")
ONESTOP_NATIONAL_PAYMENT_MERCHANT = env_str("ONESTOP_NATIONAL_PAYMENT_MERCHANT", "ONESTOP01")
ONESTOP_NATIONAL_PAYMENT_SECRET = env_str("ONESTOP_NATIONAL_PAYMENT_SECRET", "")
# POST sandbox notifications over HTTP to PUBLIC_BASE_URL instead of calling the view in-process.
ONESTOP_PAYMENT_SANDBOX_HTTP = env_bool("ONESTOP_PAYMENT_SANDBOX_HTTP", False)
# Pending payments expire after this many minutes; the gateway is asked about pending
# payments older than ONESTOP_GATEWAY_QUERY_AFTER minutes every ONESTOP_PAYMENT_SWEEP_INTERVAL s.
ONESTOP_PAYMENT_EXPIRY_MINUTES = env_int("ONESTOP_PAYMENT_EXPIRY_MINUTES", 24 * 60)
ONESTOP_GATEWAY_QUERY_AFTER = env_int("ONESTOP_GATEWAY_QUERY_AFTER", 15)
ONESTOP_PAYMENT_SWEEP_INTERVAL = env_int("ONESTOP_PAYMENT_SWEEP_INTERVAL", 300, minimum=1)
# The unauthenticated partner endpoints (payment notifications, biller pushes) take at most
# this many requests per address in the window, whatever they carry (0 = off); a bank's own
# peak stays far below. Notifications with a bad signature are kept this many days for an
# investigation, then purged (payments.services.retention).
ONESTOP_WEBHOOK_RATE_LIMIT = env_int("ONESTOP_WEBHOOK_RATE_LIMIT", 600, minimum=0)
ONESTOP_WEBHOOK_RATE_WINDOW = env_int("ONESTOP_WEBHOOK_RATE_WINDOW", 60, minimum=1)
ONESTOP_FORGED_NOTIFICATION_DAYS = env_int("ONESTOP_FORGED_NOTIFICATION_DAYS", 30, minimum=1)
# E-receipts of fees and charges (docs/receipts.md): the form symbol and series the
# collecting unit registered with the tax authority (Decree 123/2020/NĐ-CP as amended by
# Decree 70/2025/NĐ-CP; Circular 78/2021/TT-BTC). The series may hold {yy}, the two digits of
# the year of issue. The defaults follow the pattern of receipts in use; set the registered ones.
ONESTOP_RECEIPT_FORM_SYMBOL = env_str("ONESTOP_RECEIPT_FORM_SYMBOL", "01BLP0-001")
ONESTOP_RECEIPT_SERIES = env_str("ONESTOP_RECEIPT_SERIES", "BL/{yy}E")
# Scorecard (docs/scorecard.md): how often the roll-ups catch up with the audit log, seconds.
ONESTOP_SCORECARD_INTERVAL = env_int("ONESTOP_SCORECARD_INTERVAL", 60, minimum=1)
# Document exchange (docs/exchange.md): agency keys are files, never rows; trust anchors are
# PEM files (comma-separated); messages over the size limit are refused with a 02 status.
ONESTOP_EXCHANGE_KEYS_DIR = Path(env_str("ONESTOP_EXCHANGE_KEYS_DIR",
                                         str(DATA_DIR / "exchange-keys")))
ONESTOP_EXCHANGE_KEY_PASSWORD = env_str("ONESTOP_EXCHANGE_KEY_PASSWORD", "")
ONESTOP_EXCHANGE_TRUST = env_list("ONESTOP_EXCHANGE_TRUST", [])
ONESTOP_EDXML_MAX_BYTES = env_int("ONESTOP_EDXML_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
ONESTOP_EXCHANGE_REQUIRE_SIGNATURE = env_bool("ONESTOP_EXCHANGE_REQUIRE_SIGNATURE", True)
# Other instances (or a relay) by organ code: inline JSON or a file path (docs/exchange.md).
ONESTOP_EXCHANGE_PEERS = env_str("ONESTOP_EXCHANGE_PEERS", "")
# Deliveries: retried after BASE seconds, doubling up to MAX, given up after MAX_ATTEMPTS;
# the sweep runs every INTERVAL seconds.
ONESTOP_EXCHANGE_RETRY_BASE = env_int("ONESTOP_EXCHANGE_RETRY_BASE", 5, minimum=1)
ONESTOP_EXCHANGE_RETRY_MAX = env_int("ONESTOP_EXCHANGE_RETRY_MAX", 3600, minimum=1)
ONESTOP_EXCHANGE_MAX_ATTEMPTS = env_int("ONESTOP_EXCHANGE_MAX_ATTEMPTS", 100, minimum=1)
ONESTOP_EXCHANGE_INTERVAL = env_int("ONESTOP_EXCHANGE_INTERVAL", 30, minimum=1)

# Digital signatures (docs/signatures.md). Key files and the demo CA live under the signature
# directory, never in the database; trust anchors are every certificate file in <dir>/trust/
# plus ONESTOP_SIGNATURE_TRUST_ROOTS. Revocation: "off", "soft" (use what is available) or
# "hard" (refuse without fresh revocation information); local CRL files and network fetching
# (OCSP, CRL distribution points) are configured separately. An empty TSA URL: no timestamp.
ONESTOP_SIGNATURE_DIR = Path(env_str("ONESTOP_SIGNATURE_DIR", str(DATA_DIR / "signatures")))
ONESTOP_SIGNATURE_TRUST_ROOTS = env_list("ONESTOP_SIGNATURE_TRUST_ROOTS", [])
ONESTOP_SIGNATURE_CRLS = env_list("ONESTOP_SIGNATURE_CRLS", [])
ONESTOP_SIGNATURE_FETCH = env_bool("ONESTOP_SIGNATURE_FETCH", False)
ONESTOP_SIGNATURE_REVOCATION = env_str("ONESTOP_SIGNATURE_REVOCATION", "soft")
if ONESTOP_SIGNATURE_REVOCATION not in {"off", "soft", "hard"}:
    raise ImproperlyConfigured("ONESTOP_SIGNATURE_REVOCATION must be off, soft or hard")
ONESTOP_SIGNATURE_TSA_URL = env_str("ONESTOP_SIGNATURE_TSA_URL", "")
# Refuse to approve a result, sign a letter or issue a receipt when the signer has no key
# (production); off, such a document is issued without an electronic signed copy.
ONESTOP_SIGNATURE_REQUIRED = env_bool("ONESTOP_SIGNATURE_REQUIRED", False)
ONESTOP_PKCS11_MODULE = env_str("ONESTOP_PKCS11_MODULE", "/usr/lib/softhsm/libsofthsm2.so")
# Remote signing (Cloud Signature Consortium API v1): base URL, bearer token, and the CA file
# that the service's TLS certificate chains to (empty: the system's trust store).
ONESTOP_CSC_URL = env_str("ONESTOP_CSC_URL", "")
ONESTOP_CSC_TOKEN = env_str("ONESTOP_CSC_TOKEN", "")
ONESTOP_CSC_CA_FILE = env_str("ONESTOP_CSC_CA_FILE", "")

# The national public service portal (Cổng Dịch vụ công quốc gia, docs/national.md), reached
# through its adapter: off by default; a province turns it on with the adapter URL, the
# account it was given (secrets from the environment only, never the database) and its codes.
ONESTOP_NATIONAL_SYNC = env_bool("ONESTOP_NATIONAL_SYNC", False)
ONESTOP_NATIONAL_URL = env_str("ONESTOP_NATIONAL_URL", "").rstrip("/")
ONESTOP_NATIONAL_AUTH_PATH = env_str("ONESTOP_NATIONAL_AUTH_PATH", "/auth")
ONESTOP_NATIONAL_CALL_PATH = env_str("ONESTOP_NATIONAL_CALL_PATH", "/api")
ONESTOP_NATIONAL_USERNAME = env_str("ONESTOP_NATIONAL_USERNAME", "")
ONESTOP_NATIONAL_PASSWORD = env_str("ONESTOP_NATIONAL_PASSWORD", "")
# madonvi: the province's unit code on the portal; dstcode: the target service header.
ONESTOP_NATIONAL_UNIT_CODE = env_str("ONESTOP_NATIONAL_UNIT_CODE", "")
ONESTOP_NATIONAL_DSTCODE = env_str("ONESTOP_NATIONAL_DSTCODE", "VN:GOV:G22:DVCQG")
# A session is reused this many seconds, then asked for again (also on an auth error).
ONESTOP_NATIONAL_TOKEN_TTL = env_int("ONESTOP_NATIONAL_TOKEN_TTL", 1800, minimum=1)
ONESTOP_NATIONAL_TIMEOUT = env_int("ONESTOP_NATIONAL_TIMEOUT", 30, minimum=1)
# The outbox: retried after BASE seconds, doubling up to MAX, marked failed (shown to officers,
# resendable) after MAX_ATTEMPTS; the sweep runs every INTERVAL seconds.
ONESTOP_NATIONAL_RETRY_BASE = env_int("ONESTOP_NATIONAL_RETRY_BASE", 10, minimum=1)
ONESTOP_NATIONAL_RETRY_MAX = env_int("ONESTOP_NATIONAL_RETRY_MAX", 3600, minimum=1)
ONESTOP_NATIONAL_MAX_ATTEMPTS = env_int("ONESTOP_NATIONAL_MAX_ATTEMPTS", 50, minimum=1)
ONESTOP_NATIONAL_INTERVAL = env_int("ONESTOP_NATIONAL_INTERVAL", 30, minimum=1)
# The national systems point at the local STAND-IN (`onestop national standin`, the demo):
# every page that leads to them says so.
ONESTOP_NATIONAL_STANDIN = env_bool("ONESTOP_NATIONAL_STANDIN", False)
# Sign-in with the national account (OpenID Connect, national/signin.py): off by default.
ONESTOP_NATIONAL_SIGNIN = env_bool("ONESTOP_NATIONAL_SIGNIN", False)
ONESTOP_NATIONAL_SIGNIN_DISCOVERY_URL = env_str("ONESTOP_NATIONAL_SIGNIN_DISCOVERY_URL", "")
ONESTOP_NATIONAL_SIGNIN_CLIENT_ID = env_str("ONESTOP_NATIONAL_SIGNIN_CLIENT_ID", "")
ONESTOP_NATIONAL_SIGNIN_CLIENT_SECRET = env_str("ONESTOP_NATIONAL_SIGNIN_CLIENT_SECRET", "")
ONESTOP_NATIONAL_SIGNIN_SCOPES = env_str("ONESTOP_NATIONAL_SIGNIN_SCOPES", "openid profile")
ONESTOP_NATIONAL_SIGNIN_ACR_VALUES = env_str("ONESTOP_NATIONAL_SIGNIN_ACR_VALUES", "")
ONESTOP_NATIONAL_SIGNIN_LABEL = env_str("ONESTOP_NATIONAL_SIGNIN_LABEL", "VNeID")
# Catalog import: blank forms the catalog links to are fetched only from the adapter's host
# and these (comma-separated host names).
ONESTOP_NATIONAL_TEMPLATE_HOSTS = env_str("ONESTOP_NATIONAL_TEMPLATE_HOSTS", "")

# Postal delivery of results (onestop.postal, docs/postal.md): the provider results are handed
# to ("standin": the local STAND-IN, `onestop postal standin`; "vnpost": Vietnam Post), the
# delivery fee in đồng proposed to the officer, and Vietnam Post's URL, token and the secret
# its status callbacks are signed with (environment only).
ONESTOP_POSTAL_PROVIDER = env_str("ONESTOP_POSTAL_PROVIDER", "standin")
ONESTOP_POSTAL_FEE = env_int("ONESTOP_POSTAL_FEE", 25000, minimum=0)
ONESTOP_POSTAL_TIMEOUT = env_int("ONESTOP_POSTAL_TIMEOUT", 10, minimum=1)
ONESTOP_POSTAL_STANDIN_URL = env_str("ONESTOP_POSTAL_STANDIN_URL", "http://127.0.0.1:8793")
ONESTOP_POSTAL_VNPOST_URL = env_str("ONESTOP_POSTAL_VNPOST_URL", "")
ONESTOP_POSTAL_VNPOST_TOKEN = env_str("ONESTOP_POSTAL_VNPOST_TOKEN", "")
ONESTOP_POSTAL_CALLBACK_SECRET = env_str("ONESTOP_POSTAL_CALLBACK_SECRET", "")
# A callback signed longer ago than this (seconds) is refused as replayed.
ONESTOP_POSTAL_CALLBACK_WINDOW = env_int("ONESTOP_POSTAL_CALLBACK_WINDOW", 600, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ONESTOP_LOG_LEVEL", "INFO")},
    "loggers": {
        # Font subsetting for each visible signature logs every glyph at INFO.
        "fontTools": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        # With ONESTOP_SIGNATURE_FETCH off, pyHanko warns on every signature that it embeds
        # revocation data without fetching: by design (local CRLs, docs/signatures.md).
        "pyhanko.sign.signers.pdf_signer": {"level": "ERROR"},
    },
}
