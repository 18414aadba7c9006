"""`onestop vietqr encode|decode`: VietQR payloads (docs/domain.md §9) on the command line.

    onestop vietqr encode --bin 970415 --account 0011001932418 --amount 120000 \
        --purpose "ung ho lu lut"
    onestop vietqr decode PAYLOAD      # fields as JSON; exit status 2 on a bad payload
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onestop.payments import vietqr


class Command(BaseCommand):
    help = "Encode or decode VietQR (NAPAS EMVCo) transfer payloads."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        enc = sub.add_parser("encode", help="Print the payload for these fields.")
        enc.add_argument("--bin", required=True, help="The bank's 6-digit BIN, e.g. 970415.")
        enc.add_argument("--account", required=True, help="Account (or card) number.")
        enc.add_argument("--amount", type=int, default=None,
                         help="Integer VND; without it the QR is static (11).")
        enc.add_argument("--purpose", default="", help="Transfer purpose (folded to ASCII).")
        enc.add_argument("--reference", default="", help="Reference (62.05).")
        enc.add_argument("--bill", default="", help="Bill number (62.01).")
        enc.add_argument("--card", action="store_true", help="Transfer to a card (QRIBFTTC).")
        dec = sub.add_parser("decode", help="Print a payload's fields as JSON.")
        dec.add_argument("payload")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            if action == "encode":
                qr = vietqr.VietQR(
                    bin=options["bin"], account=options["account"], amount=options["amount"],
                    service=vietqr.SERVICE_CARD if options["card"] else vietqr.SERVICE_ACCOUNT,
                    purpose=vietqr.to_ascii(options["purpose"]),
                    reference=vietqr.to_ascii(options["reference"]),
                    bill_number=vietqr.to_ascii(options["bill"]),
                )
                self.stdout.write(vietqr.encode(qr))
            else:
                self.stdout.write(vietqr.decode(options["payload"].strip()).to_json())
        except vietqr.VietQRError as exc:
            raise CommandError(f"invalid VietQR: {exc}", returncode=2) from exc
