"""`onestop scorecard rebuild [--from YYYY-MM-DD]`: recompute the roll-ups from the raw
records (all, or every day from a date); `onestop scorecard refresh`: catch up with the
audit log now (what the worker does every ONESTOP_SCORECARD_INTERVAL seconds);
`onestop scorecard targets`: flag the targets falling behind."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.scorecard import rollups, services


def _date(raw: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise CommandError(f"{raw}: use YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "Scorecard roll-ups: rebuild, refresh; targets check."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser("rebuild", help="recompute the roll-ups from the raw records")
        rebuild.add_argument("--from", dest="since", type=_date, default=None)
        sub.add_parser("refresh", help="apply the audit events since the last run")
        sub.add_parser("targets", help="flag the targets falling behind")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        action = options["action"]
        if action == "rebuild":
            r = rollups.rebuild(since=options["since"])
            assert r is not None  # only stale_only=True returns None
            self.stdout.write(f"rebuilt: {r.dossiers} dossiers, {r.feedback} feedback items, "
                              f"{r.rows} roll-up rows, up to audit event {r.last_seq} "
                              f"({time.monotonic() - started:.1f} s)")
        elif action == "refresh":
            f = rollups.refresh()
            if f.skipped:
                self.stdout.write("skipped: a rebuild or another refresh is running")
            else:
                self.stdout.write(f"refreshed: {f.events} events, {f.dossiers} dossiers, "
                                  f"{f.feedback} feedback items, {f.rows} rows "
                                  f"({time.monotonic() - started:.1f} s)")
        else:
            self.stdout.write(f"{services.targets_check()} targets behind")
