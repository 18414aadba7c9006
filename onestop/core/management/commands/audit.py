"""`onestop audit verify|checkpoint|public-key`: the hash-chained audit log and its signed
checkpoints (core.audit, core.checkpoints).

    onestop audit verify                       # the chain, then the latest checkpoint
    onestop audit verify --checkpoints COPY.jsonl --public-key audit-key.pub.pem
    onestop audit checkpoint                   # sign the head now (the worker does it too)
    onestop audit public-key                   # the key to keep off this machine
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.audit import audit_verify
from onestop.core.checkpoints import (
    checkpoint_write,
    load_public_key,
    public_pem,
    signing_key,
)


class Command(BaseCommand):
    help = "Audit log tools."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        verify = sub.add_parser("verify", help="check every event's hash and link, in order, "
                                               "then the latest signed checkpoint")
        verify.add_argument("--checkpoints", action="append", type=Path, default=None,
                            metavar="FILE", help="checkpoint file(s) to check against, e.g. a "
                                                 "copy kept on another machine (default: "
                                                 "ONESTOP_AUDIT_CHECKPOINT_FILE)")
        verify.add_argument("--public-key", action="append", type=Path, default=None,
                            metavar="PEM", help="public key(s) the checkpoints are signed "
                                                "with (default: the configured signing key's)")
        sub.add_parser("checkpoint", help="sign the chain head now")
        sub.add_parser("public-key", help="print the signing key's public key (PEM)")

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        if verb == "public-key":
            self.stdout.write(public_pem(signing_key().public_key()).strip())
            return
        if verb == "checkpoint":
            checkpoint = checkpoint_write()
            self.stdout.write(checkpoint.to_json() if checkpoint else
                              "no new event since the last checkpoint")
            return
        try:
            keys = [load_public_key(p.read_bytes()) for p in options["public_key"] or []]
            result = audit_verify(files=options["checkpoints"], public_keys=keys or None)
        except (OSError, ValueError) as exc:
            raise CommandError(f"audit verify: {exc}") from exc
        if result.ok:
            note = f" ({result.note})" if result.note else ""
            self.stdout.write(f"audit log intact: {result.checked} events verified{note}")
            return
        raise CommandError(
            f"audit log BROKEN at event #{result.broken_seq}: {result.problem} "
            f"({result.checked} events before it verified)"
        )
