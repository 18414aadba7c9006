"""`onestop exchange …`: operate the document exchange of this instance.

    onestop exchange demo-keys [--dir DIR]      # a labelled demo CA and a key per agency
    onestop exchange send SPEC.json --agency CODE [--count N]   # enter and queue documents
    onestop exchange deliver [--until-empty]    # send what is due now
    onestop exchange stats                      # counts as JSON (registers, outbox, statuses)

`send` takes the JSON shape of `onestop edxml write`; with `--count N` it sends N documents
numbered from the spec's code_number (benchmarks, the two-instance test).
"""

from __future__ import annotations

import json
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count

from onestop.agencies.models import Agency
from onestop.core.errors import DomainError
from onestop.exchange.edxml import Document
from onestop.exchange.edxml.spec import message_from_spec
from onestop.exchange.keys import make_demo_ca
from onestop.exchange.models import Delivery, DocumentStatus, ExchangeMessage, OfficialDocument
from onestop.exchange.services import FileIn, deliveries_run, document_send


class Command(BaseCommand):
    help = "Operate the document exchange: demo keys, send, deliver, stats."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        keys = sub.add_parser("demo-keys", help="Make a demo CA and a key for every agency.")
        keys.add_argument("--dir", type=Path, default=None)
        send = sub.add_parser("send", help="Enter documents in the outgoing register.")
        send.add_argument("spec", type=Path)
        send.add_argument("--agency", required=True, help="sending agency's code")
        send.add_argument("--count", type=int, default=1)
        deliver = sub.add_parser("deliver", help="Send the deliveries that are due.")
        deliver.add_argument("--until-empty", action="store_true",
                             help="repeat until nothing is pending (waits for back-offs)")
        deliver.add_argument("--timeout", type=float, default=600.0)
        sub.add_parser("stats", help="Counts as one JSON object.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, "_" + action.replace("-", "_"))(options)
        except DomainError as exc:
            raise CommandError(str(exc), returncode=2) from exc

    def _demo_keys(self, options: dict[str, Any]) -> None:
        directory = options["dir"] or Path(settings.ONESTOP_EXCHANGE_KEYS_DIR)
        agencies = dict(Agency.objects.values_list("code", "name"))
        ca = make_demo_ca(directory, agencies)
        self.stdout.write(f"demo CA (not a real certification authority): {ca}")

    def _send(self, options: dict[str, Any]) -> None:
        spec_path: Path = options["spec"]
        try:
            spec = json.loads(spec_path.read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {spec_path}: {exc}", returncode=2) from exc
        message = message_from_spec(spec, base=spec_path.parent)
        if not isinstance(message, Document):
            raise CommandError("send takes a document spec", returncode=2)
        try:
            agency = Agency.objects.get(code=options["agency"])
        except Agency.DoesNotExist as exc:
            raise CommandError(f"no agency {options['agency']}", returncode=2) from exc
        files = [FileIn(a.name, a.content_type, a.data) for a in message.attachments]
        first = int(message.code_number) if message.code_number.isdigit() else 1
        for index in range(options["count"]):
            with transaction.atomic():
                document_send(
                    agency=agency, actor=None, recipients=message.to,
                    code_number=str(first + index), code_notation=message.code_notation,
                    subject=message.subject, promulgation_date=message.promulgation_date,
                    signer_name=message.signer.full_name,
                    signer_position=message.signer.position, place=message.place,
                    due_date=message.due_date, files=files,
                )
        self.stdout.write(f"queued {options['count']}")

    def _deliver(self, options: dict[str, Any]) -> None:
        deadline = time.monotonic() + options["timeout"]
        tried = deliveries_run()
        while options["until_empty"] and Delivery.objects.filter(
                state=Delivery.State.PENDING).exists():
            if time.monotonic() > deadline:
                raise CommandError("deliveries still pending at the timeout", returncode=1)
            if not tried:
                time.sleep(0.5)
            tried = deliveries_run()
        self.stdout.write(json.dumps(self._counts()))

    def _stats(self, options: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(self._counts()))

    def _counts(self) -> dict[str, Any]:
        def by(queryset: Any, field: str) -> dict[str, int]:
            return {str(row[field]): row["n"]
                    for row in queryset.values(field).annotate(n=Count("id")).order_by(field)}

        return {
            "documents": by(OfficialDocument.objects.all(), "direction"),
            "incoming_distinct": OfficialDocument.objects.filter(direction="in")
            .values("document_id").distinct().count(),
            "deliveries": by(Delivery.objects.all(), "state"),
            "retried": Delivery.objects.filter(attempts__gt=1).count(),
            "statuses": by(DocumentStatus.objects.all(), "status_code"),
            "messages_in": by(ExchangeMessage.objects.filter(direction="in"), "outcome"),
        }
