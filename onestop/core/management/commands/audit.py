"""`onestop audit verify`: prove the hash-chained audit log intact, or name the first break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.audit import audit_verify


class Command(BaseCommand):
    help = "Audit log tools."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("verify", help="check every event's hash and link, in order")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if result.ok:
            self.stdout.write(f"audit log intact: {result.checked} events verified")
            return
        raise CommandError(
            f"audit log BROKEN at event #{result.broken_seq}: {result.problem} "
            f"({result.checked} events before it verified)"
        )
