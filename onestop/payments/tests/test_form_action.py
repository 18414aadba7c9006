"""The payment page's form may send the payer on to the gateway and the national platform:
the Content-Security-Policy's form-action allows exactly their origins (a browser blocks a
form whose redirect leaves for an origin not listed, as Chromium did in the demo)."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def _form_action(**env: str) -> list[str]:
    code = ("import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))")
    clean = {k: v for k, v in os.environ.items()
             if k not in ("ONESTOP_GATEWAY_URL", "ONESTOP_NATIONAL_PAYMENT_URL")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**clean, "DJANGO_SETTINGS_MODULE": "onestop.settings", **env})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_form_action_allows_only_self_by_default():
    assert _form_action() == ["'self'"]


def test_form_action_allows_the_gateway_and_the_national_platform_when_configured():
    assert _form_action(ONESTOP_GATEWAY_URL="https://pay.example.vn/checkout",
                        ONESTOP_NATIONAL_PAYMENT_URL="http://127.0.0.1:8791/payment") == [
        "'self'", "https://pay.example.vn", "http://127.0.0.1:8791"]
