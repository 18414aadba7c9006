"""The benchmark database: create it if missing, point Django at it, migrate."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "perf.settings_perf"


def configure() -> None:
    """Use the perf settings in this process (forced: see perf/wsgi_perf.py) and set Django up."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()


def _admin_connection():  # noqa: ANN202 - psycopg.Connection, imported lazily
    """A connection to the server's maintenance database, for CREATE/DROP DATABASE only."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres", user=db.get("USER") or None, password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None, port=db.get("PORT") or None, autocommit=True,
    )


def ensure_database(*, reset: bool = False) -> str:
    """Create the perf database if it does not exist (drop it first when `reset`)."""
    from django.conf import settings
    from django.db import connections
    from psycopg import sql

    name = settings.DATABASES["default"]["NAME"]
    connections.close_all()
    with _admin_connection() as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return str(name)


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
