"""Zalo ZNS:

    onestop zalo standin [--port 8793] [--callback URL] [--delay S]   # the local STAND-IN
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from onestop.notifications.zalo_standin import APP_ID, LABEL, OA_SECRET, TOKEN, ZaloStandIn


class Command(BaseCommand):
    help = "Zalo ZNS: run the local stand-in of the API."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        standin = sub.add_parser("standin", help="Run the local STAND-IN of Zalo's ZNS API.")
        standin.add_argument("--host", default="127.0.0.1")
        standin.add_argument("--port", type=int, default=8793)
        standin.add_argument("--callback", default="http://127.0.0.1:8000/zalo/callback/",
                             help="Where the signed delivery callbacks are posted.")
        standin.add_argument("--delay", type=float, default=1.0,
                             help="Seconds between a send and its callback.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        standin = ZaloStandIn(host=options["host"], port=options["port"],
                              callback_url=options["callback"])
        standin.delay = options["delay"]
        server = standin.bind()  # listening before it says so
        self.stdout.write(
            f"{LABEL}\nlistening on {standin.url}, callbacks to {standin.callback_url}\n"
            f"ONESTOP_ZALO_URL={standin.url} ONESTOP_ZALO_TOKEN={TOKEN} "
            f"ONESTOP_ZALO_APP_ID={APP_ID} ONESTOP_ZALO_OA_SECRET={OA_SECRET}\nCtrl-C stops it")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
