"""Settings: one module, one default each, bad values refused at start."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from onestop.settings import env_int, env_optional_bool

PACKAGE = Path(__file__).resolve().parents[2]  # onestop/


def test_code_reads_settings_without_a_second_default():
    # `getattr(settings, "X", default)` writes a default outside settings.py, where it drifts
    # from the real one: code reads settings.X.
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "getattr" and len(node.args) == 3
                    and isinstance(node.args[0], ast.Name) and node.args[0].id == "settings"):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders


def test_an_interval_below_its_minimum_stops_the_start(monkeypatch):
    monkeypatch.setenv("ONESTOP_SWEEP_INTERVAL", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("ONESTOP_SWEEP_INTERVAL", 300, minimum=1)
    monkeypatch.setenv("ONESTOP_SWEEP_INTERVAL", "five")
    with pytest.raises(ImproperlyConfigured, match="integer"):
        env_int("ONESTOP_SWEEP_INTERVAL", 300, minimum=1)


def test_an_unset_switch_is_none_so_the_default_can_be_judged_later(monkeypatch):
    monkeypatch.delenv("ONESTOP_PAYMENT_SANDBOX", raising=False)
    assert env_optional_bool("ONESTOP_PAYMENT_SANDBOX") is None
    monkeypatch.setenv("ONESTOP_PAYMENT_SANDBOX", "off")
    assert env_optional_bool("ONESTOP_PAYMENT_SANDBOX") is False
    monkeypatch.setenv("ONESTOP_PAYMENT_SANDBOX", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_optional_bool("ONESTOP_PAYMENT_SANDBOX")
