"""`onestop biller create --code … --name … --kind water --agency 000.00.00.H92 [--callback-url …]`
and `onestop biller key CODE`: the API key is printed once (only its hash is stored)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.agencies.models import Agency
from onestop.core.errors import DomainError

from ... import services
from ...models import Biller


class Command(BaseCommand):
    help = "Create billers of the bills hub and their API keys."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="a new biller and its first API key")
        create.add_argument("--code", required=True)
        create.add_argument("--name", required=True)
        create.add_argument("--kind", required=True, choices=Biller.Kind.values)
        create.add_argument("--agency", required=True, help="code of the collecting agency")
        create.add_argument("--callback-url", default="")
        key = sub.add_parser("key", help="a new API key for an existing biller")
        key.add_argument("code")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                agency = Agency.objects.filter(code=options["agency"]).first()
                if agency is None:
                    raise CommandError(f"no agency with code {options['agency']}")
                biller, api_key = services.biller_create(
                    code=options["code"], name=options["name"], kind=options["kind"],
                    agency=agency, callback_url=options["callback_url"])
                self.stdout.write(f"biller: {biller.code}")
                self.stdout.write(f"callback secret: {biller.callback_secret}")
            else:
                found = Biller.objects.filter(code=options["code"]).first()
                if found is None:
                    raise CommandError(f"no biller with code {options['code']}")
                api_key = services.api_key_create(biller=found)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"API key (shown once): {api_key}")
