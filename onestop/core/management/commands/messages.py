"""`onestop messages`: extract and compile the Vietnamese catalogs.

Each app owns its catalog (`onestop/<app>/locale/vi/LC_MESSAGES/django.po`), so work on two
apps never edits the same file; what belongs to no app (the base template, settings) is in
`onestop/locale`. Django's makemessages, run from the repository root, files each message
under the nearest `locale` directory; this command is that run with the project's options.
A new app gets its catalog with `mkdir -p onestop/<app>/locale` and `onestop messages`.
"""

from __future__ import annotations

import re
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

IGNORED = [".venv", "data", "perf", "docs", "build", "*/tests/*", "onestop/e2e/*", "*/migrations/*"]


def catalogs() -> list[Path]:
    """Every Vietnamese catalog of the project, the project-wide one first."""
    root = Path(settings.BASE_DIR)
    found = sorted(root.glob("*/locale/vi/LC_MESSAGES/django.po"))
    return [root / "locale" / "vi" / "LC_MESSAGES" / "django.po", *found]


def _drop_creation_date(po: Path) -> None:
    # makemessages stamps every catalog with the time of the run: two branches that each
    # extract would then conflict on every file for a line nobody reads.
    text = po.read_text(encoding="utf-8")
    kept = re.sub(r'^"POT-Creation-Date: [^"]*"\n', "", text, flags=re.MULTILINE)
    if kept != text:
        po.write_text(kept, encoding="utf-8")


class Command(BaseCommand):
    help = "Extract the translatable messages into each app's catalog and compile them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--compile-only", action="store_true",
                            help="only compile the .po files into .mo files")

    def handle(self, *args: Any, compile_only: bool = False, **options: Any) -> None:
        import os

        repo = Path(settings.BASE_DIR).parent
        if not compile_only:
            cwd = os.getcwd()
            os.chdir(repo)
            try:
                call_command("makemessages", locale=["vi"], no_obsolete=True, no_location=True,
                             ignore_patterns=IGNORED, verbosity=0)
            finally:
                os.chdir(cwd)
            for po in catalogs():
                _drop_creation_date(po)
        cwd = os.getcwd()
        os.chdir(Path(settings.BASE_DIR))
        try:
            call_command("compilemessages", locale=["vi"], verbosity=0)
        finally:
            os.chdir(cwd)
        for po in catalogs():
            self.stdout.write(str(po.relative_to(repo)))
