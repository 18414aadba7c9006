"""`onestop edxml read|write|verify`: edXML messages (QCVN 102:2016) on the command line.

    onestop edxml read FILE                      # one JSON object; exit 2 if not valid edXML
    onestop edxml write SPEC.json --out FILE [--sign-key KEY.pem --sign-cert CERT.pem]
    onestop edxml verify FILE [--trust CERT.pem ...]   # exit 0 only when signed, intact, trusted

Other tools rely on these fields, exit codes and messages (docs/exchange.md). None of the
commands needs a database or a secret key.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from onestop.exchange.edxml import EdxmlError, Reason, parse
from onestop.exchange.edxml.build import build
from onestop.exchange.edxml.spec import message_from_spec
from onestop.exchange.keys import load_credentials, trust_anchors
from onestop.exchange.signing import sign_message, verify_message

EXIT_INVALID = 2  # not a valid edXML message (or a bad spec / key file)
EXIT_NOT_VERIFIED = 1  # valid edXML, but unsigned, changed or not trusted


class Command(BaseCommand):
    help = "Read, write and verify edXML messages (QCVN 102:2016)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        read = sub.add_parser("read", help="Print the message's fields as one JSON object.")
        read.add_argument("file", type=Path)
        write = sub.add_parser("write", help="Write a message from a JSON spec.")
        write.add_argument("spec", type=Path)
        write.add_argument("--out", type=Path, required=True)
        write.add_argument("--sign-key", type=Path, help="PEM key or PKCS#12 file")
        write.add_argument("--sign-cert", type=Path, help="PEM certificate (with a PEM key)")
        verify = sub.add_parser("verify", help="Check the signature and its chain of trust.")
        verify.add_argument("file", type=Path)
        verify.add_argument("--trust", type=Path, action="append", default=[],
                            help="a trusted CA certificate (PEM), in addition to the configured")

    def _fail(self, code: int, text: str) -> NoReturn:
        self.stderr.write(" ".join(text.split()))  # one line, whatever the detail held
        sys.exit(code)

    def _read_file(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            self._fail(EXIT_INVALID, _("cannot read %(path)s: %(error)s")
                       % {"path": path, "error": exc.strerror or exc})

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        max_bytes = settings.ONESTOP_EDXML_MAX_BYTES
        try:
            if action == "read":
                message = parse(self._read_file(options["file"]), max_bytes=max_bytes)
                self.stdout.write(json.dumps(message.summary(), ensure_ascii=False))
            elif action == "write":
                self._write(options)
            else:
                data = self._read_file(options["file"])
                verified = verify_message(data, anchors=trust_anchors(options["trust"]),
                                          max_bytes=max_bytes)
                self.stdout.write(_("valid: signed by %(subject)s")
                                  % {"subject": verified.signer_subject})
        except EdxmlError as exc:
            fault = exc.reason in {Reason.UNSIGNED, Reason.BAD_SIGNATURE, Reason.UNTRUSTED}
            self._fail(EXIT_NOT_VERIFIED if fault and action == "verify" else EXIT_INVALID,
                       f"{exc.reason}: {exc}")

    def _write(self, options: dict[str, Any]) -> None:
        spec_path: Path = options["spec"]
        try:
            spec = json.loads(self._read_file(spec_path))
        except ValueError as exc:
            self._fail(EXIT_INVALID, _("the spec is not JSON: %(error)s") % {"error": exc})
        message = message_from_spec(spec, base=spec_path.parent)
        key, cert = options.get("sign_key"), options.get("sign_cert")
        if key:
            data = sign_message(message, load_credentials(key, cert))
        elif cert:
            self._fail(EXIT_INVALID, _("--sign-cert needs --sign-key"))
        else:
            data = build(message)
        try:
            options["out"].write_bytes(data)
        except OSError as exc:
            self._fail(EXIT_INVALID, _("cannot write %(path)s: %(error)s")
                       % {"path": options["out"], "error": exc.strerror or exc})
