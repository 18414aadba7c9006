"""core is the ground floor: it imports no other onestop app, and apps register their own
periodic jobs with its scheduler."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.test import override_settings

from onestop.core import scheduler
from onestop.core.scheduler import periodic_jobs, register_periodic_job

CORE = Path(__file__).resolve().parents[1]


def _imported_modules(path: Path) -> list[str]:
    """Every module a file imports, wherever the import is (function bodies included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(CORE.parent.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                found.append(".".join([*base, *(node.module.split(".") if node.module else [])]))
            else:
                found.append(node.module or "")
    return found


def _core_sources() -> list[Path]:
    return [p for p in CORE.rglob("*.py") if "tests" not in p.parts]


def test_core_imports_no_other_onestop_app():
    offenders = {
        f"{path.relative_to(CORE)} imports {module}"
        for path in _core_sources()
        for module in _imported_modules(path)
        if module.split(".")[0] == "onestop" and module != "onestop"
        and not module.startswith("onestop.core")
    }
    assert not offenders, sorted(offenders)


def test_every_app_registers_its_own_periodic_jobs():
    jobs = {job.name: job for job in periodic_jobs()}
    assert set(jobs) >= {"deadline_sweep", "payments_sweep", "scorecard_refresh",
                         "scorecard_targets", "notifications_catch_up", "biller_callbacks"}
    for job in jobs.values():
        app = apps.get_containing_app_config(job.task.module_path)
        # Core registers its own work only (the audit checkpoint), never a domain app's.
        assert app is not None and (app.label != "core" or job.name == "audit_checkpoint"), \
            job.name


@override_settings(ONESTOP_SWEEP_INTERVAL=120)
def test_an_interval_named_by_a_setting_is_read_at_each_pass():
    [sweep] = [job for job in periodic_jobs() if job.name == "deadline_sweep"]
    assert sweep.interval == 120
    with override_settings(ONESTOP_SWEEP_INTERVAL=45):
        [sweep] = [job for job in periodic_jobs() if job.name == "deadline_sweep"]
        assert sweep.interval == 45


def test_an_interval_below_one_second_is_refused():
    with pytest.raises(ValueError):
        register_periodic_job("too_fast", every=0, task=object())
    assert "too_fast" not in {job.name for job in periodic_jobs()}
    with override_settings(ONESTOP_SWEEP_INTERVAL=0), pytest.raises(ValueError):
        periodic_jobs()


@pytest.mark.django_db
def test_registering_a_name_again_replaces_the_job():
    from onestop.dossiers.tasks import deadline_sweep_task

    before = dict(scheduler._REGISTRY)
    try:
        register_periodic_job("deadline_sweep", every=7, task=deadline_sweep_task)
        [sweep] = [job for job in periodic_jobs() if job.name == "deadline_sweep"]
        assert sweep.interval == 7
        moment = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)
        assert scheduler.enqueue_due_jobs(moment, jobs=[sweep]) == ["deadline_sweep"]
    finally:
        scheduler._REGISTRY.clear()
        scheduler._REGISTRY.update(before)
