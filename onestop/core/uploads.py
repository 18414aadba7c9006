"""Every file anyone uploads, and every stored file served back: the one home of both rules.

In: PDF, JPEG or PNG (office documents for the catalog's blank forms), recognised by their
bytes, within the size and count limits (ONESTOP_UPLOAD_MAX_BYTES, ONESTOP_UPLOAD_MAX_FILES,
settings each city sets). The file name and the browser's Content-Type are chosen by the
sender and prove nothing, so the type is read from the first bytes (magic numbers) and the
stored name gets the extension of the type found. Citizens and staff, pages and the API:
every service that stores an upload calls `accept_upload` (or `check_uploads`), so no path
skips it (issue 17 item 1: staff results and counter scans used to).

Out: `stored_file_response` serves a stored file with the type sniffed from its stored bytes
(never its name), `X-Content-Type-Options: nosniff`, `Content-Disposition: attachment` unless
it is a PDF or an image the page shows on purpose, and a Content-Security-Policy that lets it
run nothing (`sandbox` for all but inline PDFs, which Chromium's viewer cannot show sandboxed;
they get `default-src 'none'` with the plugin allowed).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files import File
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed


@dataclass(frozen=True)
class FileKind:
    mime: str
    extension: str
    label: str
    shown: bool = False  # a browser may show it inline (PDF, images)


PDF = FileKind("application/pdf", ".pdf", "PDF", shown=True)
JPEG = FileKind("image/jpeg", ".jpg", "JPEG", shown=True)
PNG = FileKind("image/png", ".png", "PNG", shown=True)
DOC = FileKind("application/msword", ".doc", "DOC")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ".docx", "DOCX")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".xlsx", "XLSX")
ODT = FileKind("application/vnd.oasis.opendocument.text", ".odt", "ODT")

# What a dossier, a supplement, a result or evidence may be: scans and PDFs.
SCANS: tuple[FileKind, ...] = (PDF, JPEG, PNG)
# The blank forms of a procedure's required documents (catalog), downloaded and filled in.
FORMS: tuple[FileKind, ...] = (PDF, DOC, DOCX, XLSX, ODT)

# (magic bytes at offset 0, kind). PDF readers accept "%PDF-" within the first KiB, but
# a scanner or phone writes it first; accepting junk before it would let other files in.
_SIGNATURES: tuple[tuple[bytes, FileKind], ...] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", DOC),  # OLE compound file (Word 97-2003)
)
SNIFF_BYTES = 16
_ZIP = b"PK\x03\x04"

SANDBOX_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
PDF_POLICY = "default-src 'none'; object-src 'self'; frame-ancestors 'self'"


def _zip_kind(upload: Any) -> FileKind | None:
    """An office document is a ZIP whose members say which; any other ZIP is refused."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            mimetype = (archive.read("mimetype")[:100] if "mimetype" in names else b"")
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if mimetype == ODT.mime.encode():
        return ODT
    return None


def sniff(head: bytes, upload: Any = None) -> FileKind | None:
    """The kind of file these first bytes start, or None when it is none we know."""
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if head.startswith(_ZIP) and upload is not None:
        return _zip_kind(upload)
    return None


def max_bytes() -> int:
    return int(settings.ONESTOP_UPLOAD_MAX_BYTES)


def max_files() -> int:
    return int(settings.ONESTOP_UPLOAD_MAX_FILES)


def _labels(kinds: Iterable[FileKind]) -> str:
    return ", ".join(k.label for k in kinds)


def check_uploads(files: Iterable[Any], *, kinds: tuple[FileKind, ...] = SCANS) -> None:
    """Every file of one filing or supplement within the limits (the services' check; the
    portal also checks each file as it arrives, to refuse it at once)."""
    for count, upload in enumerate(f for f in files if f):
        check_upload(upload, files_already=count, kinds=kinds)


def check_upload(upload: Any, *, files_already: int = 0,
                 kinds: tuple[FileKind, ...] = SCANS) -> FileKind:
    """The sniffed kind of an uploaded file, or ValidationFailed with a message for the
    person uploading. `files_already` is how many files the filing holds before this one."""
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
    kind = sniff(head, upload)
    if kind is None or kind not in kinds:
        if kinds == SCANS:
            raise ValidationFailed(
                _("“%(name)s” is not a PDF, JPEG or PNG file. Only these are accepted, "
                  "whatever the file's name says."), name=name)
        raise ValidationFailed(
            _("“%(name)s” is not one of the accepted types (%(kinds)s), whatever the file's "
              "name says."), name=name, kinds=_labels(kinds))
    return kind


def safe_name(name: str, kind: FileKind) -> str:
    """The name to store: the sender's stem, cleaned, with the extension of the sniffed type."""
    stem = get_valid_filename(name.rsplit("/", 1)[-1].rsplit(".", 1)[0])[:60] if name else ""
    return f"{stem or 'tep'}{kind.extension}"


def accept_upload(upload: Any, *, files_already: int = 0,
                  kinds: tuple[FileKind, ...] = SCANS) -> File:
    """Check an upload and return it under a safe name (what services store)."""
    kind = check_upload(upload, files_already=files_already, kinds=kinds)
    if isinstance(upload, File) and getattr(upload, "_onestop_checked", False):
        return upload
    accepted = File(upload, name=safe_name(str(getattr(upload, "name", "") or ""), kind))
    accepted._onestop_checked = True  # type: ignore[attr-defined]
    return accepted


def stored_kind(field_file: Any) -> FileKind | None:
    """The kind of a stored file, read from its bytes (a file stored before the check, or by
    some other way, is judged by what it is, not what it is called)."""
    with field_file.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
        return sniff(head, handle)


def stored_file_response(field_file: Any, *, inline: bool = False,
                         filename: str | None = None) -> FileResponse:
    """A stored file as a response that no browser will run (see the module docstring)."""
    kind = stored_kind(field_file)
    show = inline and kind is not None and kind.shown
    name = filename or field_file.name.rsplit("/", 1)[-1]
    if kind is not None and not name.lower().endswith(kind.extension):
        name = safe_name(name, kind)
    response = FileResponse(field_file.open("rb"), as_attachment=not show, filename=name,
                            content_type=kind.mime if kind else "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PDF_POLICY if show and kind is PDF else SANDBOX_POLICY
    return response
