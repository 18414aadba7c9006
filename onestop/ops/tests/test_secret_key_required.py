"""Issue 17 item 2: no production start on the published fallback key.

The web server, the WSGI application and the worker refuse to start without
ONESTOP_SECRET_KEY outside debug and `onestop demo`; offline commands keep working; a
webhook signed with a secret derived from the fallback key is refused
(dossiers/tests/fees/test_fallback_secret.py); `check --deploy` fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from onestop.ops.management.commands.serve import serve

FALLBACK = "onestop-insecure-local-key-do-not-use-in-production"
STRONG = "a-real-key-9f8e7d6c5b4a3210-ZYXWVUTSRQPONMLKJIHGFEDCBA-qwerty"


@pytest.fixture
def production(settings):
    settings.SECRET_KEY = FALLBACK
    settings.DEBUG = False
    settings.ONESTOP_DEMO = False
    settings.ONESTOP_PAYMENT_SANDBOX = None
    settings.ONESTOP_VIETQR_WEBHOOK_SECRET = ""
    settings.ONESTOP_GATEWAY_SECRET = ""
    settings.ONESTOP_PAYMENT_SANDBOX_SECRET = ""
    return settings


def test_the_worker_refuses_to_start_on_the_fallback_key(production):
    with pytest.raises(CommandError, match="ONESTOP_SECRET_KEY is not set"):
        call_command("worker", "--batch", verbosity=0)


@pytest.mark.parametrize("flag", ["ONESTOP_DEMO", "DEBUG"])
def test_the_worker_starts_on_the_fallback_key_in_the_demo_and_in_debug(
        production, transactional_db, flag):
    setattr(production, flag, True)
    call_command("worker", "--batch", verbosity=0)


def test_serve_refuses_to_start_on_the_fallback_key(production):
    with pytest.raises(CommandError, match="ONESTOP_SECRET_KEY is not set"):
        serve(host="127.0.0.1", port=8999, workers=1)


def test_check_deploy_fails_on_a_missing_or_weak_key_and_fallback_webhook_secrets(production):
    with pytest.raises(SystemCheckError) as missing:
        call_command("check", "--deploy")
    assert "onestop.E001" in str(missing.value)
    assert "(onestop.E003) ONESTOP_VIETQR_WEBHOOK_SECRET" in str(missing.value)
    assert "(onestop.E003) ONESTOP_GATEWAY_SECRET" in str(missing.value)
    production.SECRET_KEY = "short-but-set"
    with pytest.raises(SystemCheckError) as weak:
        call_command("check", "--deploy")
    assert "onestop.E002" in str(weak.value)
    assert "onestop.E003" not in str(weak.value)  # derived from a key nobody else knows
    production.SECRET_KEY = STRONG
    call_command("check", "--deploy")  # warnings (HTTPS is off) do not fail at level ERROR


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith("ONESTOP_") and k != "DATABASE_URL"}
    environ.update({"ONESTOP_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE":
                    "onestop.settings", **env})
    return subprocess.run([sys.executable, *args], env=environ, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.slow
def test_the_wsgi_application_refuses_to_load_without_the_key(tmp_path):
    refused = _run(["-c", "import onestop.wsgi"], tmp_path)
    assert refused.returncode != 0
    assert "ONESTOP_SECRET_KEY is not set" in refused.stderr
    assert _run(["-c", "import onestop.wsgi"], tmp_path, ONESTOP_DEBUG="true").returncode == 0
    assert _run(["-c", "import onestop.wsgi"], tmp_path,
                ONESTOP_SECRET_KEY=STRONG).returncode == 0


@pytest.mark.slow
def test_offline_commands_keep_working_without_the_key(tmp_path):
    cli = ["-c", "import sys; from onestop.cli import main; sys.exit(main())"]
    for args in (["calendar", "due", "--start", "2026-03-02T08:00", "--days", "3"],
                 ["vietqr", "encode", "--bin", "970415", "--account", "0011001932418",
                  "--amount", "5000"],
                 ["dti", "--help"], ["edxml", "--help"], ["check"]):
        done = _run([*cli, *args], tmp_path)
        assert done.returncode == 0, (args, done.stderr)
    worker = _run([*cli, "worker", "--batch"], tmp_path)
    assert worker.returncode != 0 and "ONESTOP_SECRET_KEY is not set" in worker.stderr
