"""`onestop demo`: migrate, load the demo data once, start a worker and serve.

The one command a newcomer runs: http://127.0.0.1:8000 (or --port) with Cần Thơ's demo
centre, staff accounts (printed at start) and ~300 dossiers. ONESTOP_DEMO is switched on so
every page shows that the data are fictitious and the payment sandbox works; the public base
URL follows --host/--port so that every link, QR code and e-mail points at this server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

from onestop.demo import catalog
from onestop.demo.loader import DEFAULT_SIZE, demo_is_loaded, demo_load

from .seed_demo import describe
from .serve import serve


def _sqlite_file() -> Path | None:
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("sqlite3"):
        return None
    return Path(str(db["NAME"]))


def public_base_url(host: str, port: int) -> str:
    """The base of the demo's links: the address served, or loopback for a wildcard bind."""
    shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    return f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}"


def accounts_table() -> str:
    lines = [f"  {'username':<22} {'role':<11} {'name':<22} agency"]
    for username, full_name, role, key in catalog.STAFF:
        lines.append(f"  {username:<22} {role:<11} {full_name:<22} {key}")
    lines.append(f"  {catalog.CITIZEN[0]:<22} {'citizen':<11} {catalog.CITIZEN[1]:<22} -")
    lines.append(_("  Password for every account: %(password)s")
                 % {"password": catalog.DEMO_PASSWORD})
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Run the demo: migrate, load demo data (once), start a worker and serve."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2,
                            help="gunicorn worker processes (default: 2).")
        parser.add_argument("--reset", action="store_true",
                            help="Delete the SQLite database first and start over.")
        parser.add_argument("--size", type=int, default=DEFAULT_SIZE,
                            help="How many dossiers to simulate on first load.")

    def handle(self, *args: Any, host: str, port: int, workers: int, reset: bool, size: int,
               **options: Any) -> None:
        # The banner flag: for the pages served from this process and for the worker. The
        # payment sandbox follows it, judged at each use (payments.providers.base).
        os.environ["ONESTOP_DEMO"] = "1"
        settings.ONESTOP_DEMO = True
        # Every link, QR code, return URL and e-mail names the port actually served, set
        # before anything is built from it (demo data, the demo CA, the worker's e-mails),
        # unless the operator gave ONESTOP_PUBLIC_BASE_URL (e.g. a LAN address for phones).
        if not os.environ.get("ONESTOP_PUBLIC_BASE_URL"):
            base = public_base_url(host, port)
            os.environ["ONESTOP_PUBLIC_BASE_URL"] = base  # read by the worker's settings
            settings.PUBLIC_BASE_URL = base
        if reset:
            self._reset()
        call_command("migrate", interactive=False, verbosity=0)
        if demo_is_loaded():
            self.stdout.write(_("Demo data already loaded (use --reset to start over)."))
        else:
            self.stdout.write(_("Loading demo data (about 20 seconds, once)…"))
            self.stdout.write(describe(demo_load(size=size)))
        worker = self._start_worker()
        url = settings.PUBLIC_BASE_URL
        self.stdout.write(
            "\n" + _("onestop demo (fictitious data) at %(url)s") % {"url": url} + "\n"
            + f"  {url}/              " + _("citizen portal") + "\n"
            + f"  {url}/backoffice/   " + _("staff back office") + "\n"
            + f"  {url}/admin/        " + _("administration (admin)") + "\n\n"
            + _("Staff accounts:") + "\n" + accounts_table() + "\n"
        )
        try:
            serve(host=host, port=port, workers=workers)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()

    def _reset(self) -> None:
        path = _sqlite_file()
        if path is None:
            raise CommandError(_("--reset only deletes a SQLite database; drop a PostgreSQL "
                                 "database yourself."))
        connections.close_all()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        # The checkpoints sign the deleted audit log's head; the new log starts its own.
        Path(settings.ONESTOP_AUDIT_CHECKPOINT_FILE).unlink(missing_ok=True)
        self.stdout.write(_("Deleted %(path)s.") % {"path": path})

    def _start_worker(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, "ONESTOP_DEMO": "1", "ONESTOP_DATA_DIR": str(settings.DATA_DIR),
               "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE",
                                                        "onestop.settings")}
        # The same interpreter and package as this process, whatever PATH says.
        return subprocess.Popen(
            [sys.executable, "-c", "import sys; from onestop.cli import main; sys.exit(main())",
             "worker"],
            env=env, stdin=subprocess.DEVNULL,
        )
