"""What a citizen may upload: PDF, JPEG or PNG, recognised by their bytes, within limits.

The file name and the browser's Content-Type are chosen by the sender and prove nothing, so
the type is read from the first bytes (magic numbers) and the stored name gets the
extension of the type found. Limits come from settings (ONESTOP_UPLOAD_MAX_BYTES,
ONESTOP_UPLOAD_MAX_FILES) so each city can set its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import ValidationFailed


@dataclass(frozen=True)
class FileKind:
    mime: str
    extension: str
    label: str


PDF = FileKind("application/pdf", ".pdf", "PDF")
JPEG = FileKind("image/jpeg", ".jpg", "JPEG")
PNG = FileKind("image/png", ".png", "PNG")

# (magic bytes at offset 0, kind). PDF readers accept "%PDF-" within the first KiB, but
# a scanner or phone writes it first; accepting junk before it would let other files in.
_SIGNATURES: tuple[tuple[bytes, FileKind], ...] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)
SNIFF_BYTES = 16


def sniff(head: bytes) -> FileKind | None:
    """The kind of file these first bytes start, or None when it is none we accept."""
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    return None


def max_bytes() -> int:
    return int(settings.ONESTOP_UPLOAD_MAX_BYTES)


def max_files() -> int:
    return int(settings.ONESTOP_UPLOAD_MAX_FILES)


def check_uploads(files: Iterable[Any]) -> None:
    """Every file of one filing or supplement within the limits (the services' check; the
    portal also checks each file as it arrives, to refuse it at once)."""
    for count, upload in enumerate(f for f in files if f):
        check_upload(upload, files_already=count)


def check_upload(upload: Any, *, files_already: int = 0) -> FileKind:
    """The sniffed kind of an uploaded file, or ValidationFailed with a message for the
    citizen. `files_already` is how many files the filing holds before this one."""
    name = getattr(upload, "name", "") or str(_("the file"))
    if files_already >= max_files():
        raise ValidationFailed(
            _("“%(name)s” was not added: a filing holds at most %(max)s files. Remove a file "
              "or combine pages into one PDF."), name=name, max=max_files())
    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise ValidationFailed(_("“%(name)s” is empty."), name=name)
    if size > max_bytes():
        raise ValidationFailed(
            _("“%(name)s” is %(size)s, larger than the %(limit)s allowed per file."),
            name=name, size=filesizeformat(size), limit=filesizeformat(max_bytes()))
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationFailed(
            _("“%(name)s” is not a PDF, JPEG or PNG file. Only these are accepted, whatever "
              "the file's name says."), name=name)
    return kind
