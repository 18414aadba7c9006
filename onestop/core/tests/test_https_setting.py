"""Issue 17 item 7: one variable, ONESTOP_HTTPS=true, switches the HTTPS hardening on, and the
documented production setting passes `onestop check --deploy --fail-level WARNING`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# docs/operations.md §2 and docs/security.md: the production setting.
PRODUCTION = {
    "ONESTOP_HTTPS": "true",
    "ONESTOP_SECRET_KEY": "Zq8vN3xK1pL7cR5tW9yB2mF6hJ4dS0gA-production-like-test-key",
    "ONESTOP_ALLOWED_HOSTS": "dichvucong.example.vn",
    "ONESTOP_CSRF_TRUSTED_ORIGINS": "https://dichvucong.example.vn",
    "ONESTOP_PUBLIC_BASE_URL": "https://dichvucong.example.vn",
}
READ_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({k: getattr(s, k) for k in (
    "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")}))
"""


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith("ONESTOP_") and k != "DATABASE_URL"}
    environ.update({"ONESTOP_DATA_DIR": str(tmp_path),
                    "DJANGO_SETTINGS_MODULE": "onestop.settings", **env})
    return subprocess.run([sys.executable, *args], env=environ, capture_output=True, text=True,
                          timeout=120)


CHECK = ["-c", "import sys; from onestop.cli import main; sys.exit(main())",
         "check", "--deploy", "--fail-level", "WARNING"]


@pytest.mark.slow
def test_onestop_https_switches_on_hsts_secure_cookies_the_redirect_and_the_proxy_header(
        tmp_path):
    on = json.loads(_run(["-c", READ_SETTINGS], tmp_path, **PRODUCTION,
                         ONESTOP_HSTS_SECONDS="600").stdout)
    assert on == {"SECURE_SSL_REDIRECT": True,
                  "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
                  "SECURE_HSTS_SECONDS": 600, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                  "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True}
    off = json.loads(_run(["-c", READ_SETTINGS], tmp_path).stdout)
    assert off == {"SECURE_SSL_REDIRECT": False, "SECURE_PROXY_SSL_HEADER": None,
                   "SECURE_HSTS_SECONDS": 0, "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
                   "SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False}


@pytest.mark.slow
def test_the_documented_production_setting_passes_check_deploy_at_warning_level(tmp_path):
    done = _run(CHECK, tmp_path, **PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("change", [{"ONESTOP_HTTPS": "false"},
                                    {"ONESTOP_ALLOWED_HOSTS": "127.0.0.1,localhost"},
                                    {"ONESTOP_PUBLIC_BASE_URL": "http://dichvucong.example.vn"},
                                    {"ONESTOP_SECRET_KEY": "too-short"}])
def test_check_deploy_at_warning_level_fails_short_of_the_production_setting(tmp_path, change):
    done = _run(CHECK, tmp_path, **{**PRODUCTION, **change})
    assert done.returncode != 0, done.stdout
