"""`onestop seed_demo`: load the Cần Thơ demo data without serving (tests, benchmarks)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from onestop.demo.loader import DEFAULT_SEED, DEFAULT_SIZE, DemoResult, demo_load


def describe(result: DemoResult) -> str:
    if not result.loaded:
        return _("Demo data already loaded; nothing changed.")
    statuses = ", ".join(f"{status}: {count}" for status, count in result.statuses.items())
    return _(
        "Demo data loaded in %(seconds).1f s: %(agencies)d agencies, %(users)d users, "
        "%(procedures)d procedures, %(dossiers)d dossiers (by status %(statuses)s; "
        "%(overdue)d overdue, %(supplements)d with supplements, %(apologies)d with a signed "
        "apology)."
    ) % {
        "seconds": result.seconds, "agencies": result.agencies, "users": result.users,
        "procedures": result.procedures, "dossiers": result.dossiers, "statuses": statuses,
        "overdue": result.overdue, "supplements": result.supplements,
        "apologies": result.apologies,
    }


class Command(BaseCommand):
    help = "Load the demo data (once; a second run changes nothing)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--size", type=int, default=DEFAULT_SIZE,
                            help="How many dossiers to simulate (default: %(default)s).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help="Random seed (default: %(default)s).")

    def handle(self, *args: Any, size: int, seed: int, **options: Any) -> None:
        self.stdout.write(describe(demo_load(size=size, seed=seed)))
