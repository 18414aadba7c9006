"""The `onestop` command.

Every subcommand is a Django management command (`onestop demo`, `onestop calendar due …`,
`onestop audit verify`, `onestop worker`, `onestop serve`), so the same code runs as
`python manage.py …` and there is one place to look for each command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["serve"]:
        _prepare_multiprocess_metrics()
    execute_from_command_line(["onestop", *args])
    return 0


def _prepare_multiprocess_metrics() -> None:
    """gunicorn runs several worker processes; prometheus_client sums their metrics only if
    PROMETHEUS_MULTIPROC_DIR names an empty directory before prometheus_client is imported."""
    import shutil
    import tempfile

    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)  # stale files of a previous run
        os.makedirs(directory, exist_ok=True)
    else:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="onestop-metrics-")
