"""`onestop pdf verify FILE`: who signed a PDF, when, whether it changed, whether trusted.

Exits 0 when every signature is valid and trusted, 1 when a signature is invalid, the
document changed after signing, or the chain does not lead to a trusted root, 2 when the
file cannot be read. `--json` prints the same report as the API.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from onestop.signatures.verify import Report, verify_pdf


def describe(report: Report, name: str) -> str:
    labels = {
        "error": _("ERROR"), "valid": _("VALID"), "invalid": _("NOT VALID"),
        "by": _("signed by"), "at": _("signed at"), "timestamp": _("trusted timestamp"),
        "unchanged": _("unchanged since signing"), "trusted": _("chain to a trusted root"),
        "yes": _("yes"), "no": _("NO"),
        "demo": _("DEMO certificate: not valid outside this demo"),
    }
    lines = [f"{name}  sha256={report.sha256}  {report.size} bytes"]
    if report.error:
        lines.append(f"  {labels['error']}: {report.error}")
    for check in report.signatures:
        lines.append(f"  [{check.field_name}] {labels['valid' if check.ok else 'invalid']}")
        who = check.signer_name
        if check.signer_title or check.signer_unit:
            who += " – " + ", ".join(p for p in (check.signer_title, check.signer_unit) if p)
        lines.append(f"    {labels['by']}: {who}")
        for key, moment in (("at", check.signed_at), ("timestamp", check.timestamp_at)):
            if moment is not None:
                lines.append(f"    {labels[key]}: "
                             f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S %z}")
        unchanged = check.intact and not check.changed_after
        lines.append(f"    {labels['unchanged']}: {labels['yes' if unchanged else 'no']}")
        lines.append(f"    {labels['trusted']}: {labels['yes' if check.trusted else 'no']}")
        if check.chain:
            lines.append("    " + " → ".join(check.chain))
        if check.demo:
            lines.append(f"    {labels['demo']}")
        lines += [f"    ! {problem}" for problem in check.problems]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "PDF signature tools."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        verify = sub.add_parser("verify", help="check the digital signatures of PDF files")
        verify.add_argument("files", nargs="+", type=Path)
        verify.add_argument("--json", action="store_true", dest="as_json",
                            help="print the report as JSON")

    def handle(self, *args: Any, files: list[Path], as_json: bool = False,
               **options: Any) -> None:
        worst = 0
        reports = []
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                self.stderr.write(f"{path}: {exc.strerror}")
                worst = max(worst, 2)
                continue
            report = verify_pdf(data)
            reports.append({"file": str(path), **report.as_dict()})
            if not as_json:
                self.stdout.write(describe(report, str(path)))
            worst = max(worst, 2 if report.unreadable else 0 if report.ok else 1)
        if as_json:
            self.stdout.write(json.dumps(reports, ensure_ascii=False, indent=2))
        if worst:
            sys.exit(worst)
