"""`onestop national …`: the link to the national public service portal (docs/national.md).

    onestop national standin [--port N] [--host H]   # run the local STAND-IN of the adapter
    onestop national check                             # obtain a session from the adapter set
                                                       # in ONESTOP_NATIONAL_URL
    onestop national sync                              # send the outbox rows due now
    onestop national stats                             # outbox rows by state, as JSON
    onestop national import-catalog [--code 1.001193 …] # the national catalog into DRAFT
                                                       # versions (never published), with
                                                       # the agency and field lists
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from onestop.national.client import AdapterClient, NationalError
from onestop.national.models import SyncItem
from onestop.national.services import sync_run
from onestop.national.standin import LABEL, PASSWORD, USERNAME, StandIn


class Command(BaseCommand):
    help = "The national public service portal: run the stand-in, check the connection."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        standin = sub.add_parser("standin", help="Run the local stand-in of the adapter.")
        standin.add_argument("--host", default="127.0.0.1")
        standin.add_argument("--port", type=int, default=8791)
        sub.add_parser("check", help="Ask the configured adapter for a session.")
        sub.add_parser("sync", help="Send the outbox rows that are due now.")
        sub.add_parser("stats", help="Outbox rows by state, as JSON.")
        catalog = sub.add_parser("import-catalog", help=(
            "Import or refresh procedures from the national catalog as drafts."))
        catalog.add_argument("--code", action="append", dest="codes", default=None,
                             help="A national procedure code (repeatable); default: all of "
                                  "LayDanhSachTTHC.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, "_" + action.replace("-", "_"))(options)

    def _standin(self, options: dict[str, Any]) -> None:
        standin = StandIn(host=options["host"], port=options["port"],
                          auth_path=settings.ONESTOP_NATIONAL_AUTH_PATH,
                          call_path=settings.ONESTOP_NATIONAL_CALL_PATH)
        server = standin.bind()  # listening before it says so
        self.stdout.write(f"{LABEL}\nlistening on http://{standin.host}:{standin.port} "
                          f"(account {USERNAME} / {PASSWORD}); Ctrl-C stops it")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass

    def _check(self, options: dict[str, Any]) -> None:
        try:
            client = AdapterClient()
            client.session()
        except NationalError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(f"session obtained from {client.config.url}")

    def _sync(self, options: dict[str, Any]) -> None:
        if not settings.ONESTOP_NATIONAL_SYNC:
            raise CommandError("ONESTOP_NATIONAL_SYNC is off", returncode=2)
        try:
            counts = sync_run()
        except NationalError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(json.dumps({str(k): v for k, v in counts.items()}))

    def _stats(self, options: dict[str, Any]) -> None:
        rows = SyncItem.objects.values("state").annotate(n=Count("id")).order_by("state")
        self.stdout.write(json.dumps({r["state"]: r["n"] for r in rows}))

    def _import_catalog(self, options: dict[str, Any]) -> None:
        from onestop.national.importing import catalog_import

        run = catalog_import(codes=options["codes"])
        for outcome in run.outcomes:
            line = f"{outcome['code']}: {outcome['result']}"
            if "version" in outcome:
                line += f" (draft version {outcome['version']})"
            if outcome.get("reason"):
                line += f": {outcome['reason']}"
            self.stdout.write(line)
            for note in outcome.get("notes", []):
                self.stdout.write(f"  - {note}")
        self.stdout.write(json.dumps(run.counts))
        if run.error:
            raise CommandError(run.error, returncode=2)
        if run.counts.get("failed"):
            raise CommandError(f"{run.counts['failed']} procedure(s) not imported",
                               returncode=1)
