"""`onestop serve`: collect static files, then serve the site with gunicorn.

gunicorn is driven through its programmatic API (a small BaseApplication), so there is one
process tree to supervise and no shell quoting; whitenoise serves the collected static files.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from gunicorn.app.base import BaseApplication

from onestop.core.secrets import require_secret_key


class OnestopGunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, application: Any, options: dict[str, Any]) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # some settings only exist in newer gunicorns
                self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def _metrics_child_exit(server: Any, worker: Any) -> None:
    # A dead worker's live gauges must not linger in the summed metrics.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def serve(*, host: str, port: int, workers: int, access_log: bool = True) -> None:
    """Serve onestop.wsgi until gunicorn is stopped (SIGINT/SIGTERM)."""
    if not 0 < port < 65536:
        raise CommandError(f"Invalid port: {port}")
    if workers < 1:
        raise CommandError("--workers must be at least 1")
    try:
        require_secret_key("onestop serve")
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from exc
    call_command("collectstatic", interactive=False, verbosity=0)
    # gunicorn forks its workers: no database connection may be shared across the fork.
    connections.close_all()
    from onestop.wsgi import application

    options: dict[str, Any] = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "timeout": 60,
        "graceful_timeout": 20,
        "errorlog": "-",
        "accesslog": "-" if access_log else None,
        "proc_name": "onestop",
        # gunicorn ≥ 25 opens a control socket at one fixed path per user; two servers on
        # one machine (demo and serve, or two ports) would fight over it.
        "control_socket_disable": True,
        "child_exit": _metrics_child_exit,
    }
    OnestopGunicorn(application, options).run()


class Command(BaseCommand):
    help = "Serve the site with gunicorn (after collectstatic)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1",
                            help="Address to bind (default: 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port (default: 8000).")
        parser.add_argument("--workers", type=int, default=default_workers(),
                            help="gunicorn worker processes (default: 2 × CPUs + 1, at most 8).")

    def handle(self, *args: Any, host: str, port: int, workers: int, **options: Any) -> None:
        serve(host=host, port=port, workers=workers)
