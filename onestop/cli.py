"""The `onestop` command.

Every subcommand is a Django management command (`onestop demo`, `onestop calendar due …`,
`onestop audit verify`, `onestop worker`, `onestop serve`), so the same code runs as
`python manage.py …` and there is one place to look for each command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["onestop", *args])
    return 0
