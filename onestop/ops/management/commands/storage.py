"""`onestop storage copy --from DIR`: move an installation's files into the configured store.

Every file a model's FileField names is read from DIR (the old MEDIA_ROOT), written to the
default storage (the object store of ONESTOP_STORAGE_URL) under the same name, read back and
its SHA-256 compared; a file already there with the same hash is left alone. Exits 1 when a
file is missing or a copy does not read back the same, naming each (issue 14).
"""

from __future__ import annotations

import hashlib
from argparse import ArgumentParser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import models


def stored_names() -> Iterator[str]:
    """Every file name any model row refers to, once."""
    seen: set[str] = set()
    for model in apps.get_models():
        fields = [f.name for f in model._meta.get_fields()
                  if isinstance(f, models.FileField) and not f.many_to_many]
        for name in fields:
            for value in (model._default_manager.exclude(**{name: ""})
                          .exclude(**{f"{name}__isnull": True})
                          .values_list(name, flat=True).iterator()):
                if value and value not in seen:
                    seen.add(value)
                    yield value


def _sha256(handle: Any) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Copy the files of a local installation into the configured storage, hash-checked."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        copy = sub.add_parser("copy", help="copy every stored file from DIR to the store")
        copy.add_argument("--from", dest="source", required=True,
                          help="the old media directory (MEDIA_ROOT of the local install)")

    def handle(self, *args: Any, action: str, source: str, **options: Any) -> None:
        root = Path(source).resolve()
        if not root.is_dir():
            raise CommandError(f"{root} is not a directory")
        copied = same = 0
        problems: list[str] = []
        for name in stored_names():
            path = (root / name).resolve()
            if root not in path.parents or not path.is_file():
                problems.append(f"missing: {name}")
                continue
            with path.open("rb") as handle:
                want = _sha256(handle)
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as there:
                    if _sha256(there) == want:
                        same += 1
                        continue
                problems.append(f"differs in the store, left as it is: {name}")
                continue
            with path.open("rb") as handle:
                saved = default_storage.save(name, File(handle, name=name))
            if saved != name:
                problems.append(f"stored under another name {saved!r}: {name}")
                continue
            with default_storage.open(name, "rb") as back:
                if _sha256(back) != want:
                    problems.append(f"reads back different: {name}")
                    continue
            copied += 1
        self.stdout.write(f"copied {copied}, already there {same}, problems {len(problems)}")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise SystemExit(1)
