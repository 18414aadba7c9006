"""The online filing's draft: what the citizen typed and the files already accepted.

Each file is checked (onestop.core.uploads) and stored as soon as it arrives, under
MEDIA_ROOT/staging/<user id>/, so it survives the next steps, a refused neighbour, a failed
submit or a closed tab: the citizen never uploads it twice. The draft itself (applicant
details, chosen centre, the electronic declaration, the list of stored files) is saved for
the citizen's account (onestop.dossiers FilingDraft, one per procedure) after every step,
so it is listed under "Hồ sơ của tôi" and can be continued from another device or deleted.
On submit the files are attached to the dossier (copied into its own storage) and the draft
with its staging copies deleted.

Stored paths are built here and only read back after checking they sit in the user's own
staging folder, so a tampered draft cannot reach another file.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, cast

from django.core.files import File
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.utils.text import get_valid_filename

from onestop.catalog.models import ProcedureVersion
from onestop.core.errors import ValidationFailed
from onestop.core.uploads import check_upload
from onestop.dossiers import services as svc
from onestop.dossiers.models import FilingDraft
from onestop.dossiers.services import SubmittedDocument


@dataclass(frozen=True)
class StagedFile:
    token: str
    path: str
    name: str
    size: int
    mime: str
    digest: str = ""  # SHA-256 of the content: the same file chosen again is kept once


class Draft:
    """One citizen's draft filing for one procedure, saved for their account."""

    def __init__(self, request: HttpRequest, version: ProcedureVersion) -> None:
        self.request = request
        self.version = version
        procedure = version.procedure
        self.code = procedure.code
        self.user_pk = int(cast(Any, request.user).pk)
        self.saved: FilingDraft | None = svc.filing_draft_of(owner=request.user,
                                                             procedure_code=procedure.code)
        self.data: dict[str, Any] = dict(self.saved.data) if self.saved else {}
        self.data.setdefault("applicant", None)
        self.data.setdefault("declaration", None)
        self.data.setdefault("files", {})

    # ---- persistence -----------------------------------------------------------------------

    def save(self) -> None:
        # The name as the citizen saw it, for the list of drafts under "Hồ sơ của tôi".
        self.data["procedure_name"] = self.version.name
        self.saved = svc.filing_draft_save(owner=self.request.user,
                                           procedure=self.version.procedure, data=self.data)

    @property
    def folder(self) -> str:
        return f"staging/{self.user_pk}"

    def _mine(self, path: str) -> bool:
        p = PurePosixPath(path)
        return str(p.parent) == self.folder and ".." not in p.parts

    # ---- applicant step --------------------------------------------------------------------

    @property
    def applicant(self) -> dict[str, Any] | None:
        return self.data["applicant"]

    def set_applicant(self, values: dict[str, Any]) -> None:
        self.data["applicant"] = values
        self.save()

    # ---- electronic declaration (tờ khai điện tử) --------------------------------------------

    @property
    def declaration(self) -> dict[str, str] | None:
        return self.data["declaration"]

    def set_declaration(self, values: dict[str, str]) -> None:
        self.data["declaration"] = values
        self.save()

    # ---- files -----------------------------------------------------------------------------

    def files_for(self, document_id: int) -> list[StagedFile]:
        return [StagedFile(**f) for f in self.data["files"].get(str(document_id), [])
                if self._mine(f["path"])]

    def uploaded_document_ids(self) -> list[int]:
        """The required documents that have at least one staged file."""
        return [int(key) for key in self.data["files"] if self.files_for(int(key))]

    def count(self) -> int:
        return sum(len(v) for v in self.data["files"].values())

    def already_staged(self, document_id: int, upload: Any) -> StagedFile | None:
        """The staged file of this document with the same content, if any (a citizen who
        chooses all their files again after one was refused)."""
        digest = _digest(upload)
        return next((f for f in self.files_for(document_id) if f.digest == digest), None)

    def add(self, document_id: int, upload: Any) -> StagedFile:
        """Check and store one upload (ValidationFailed when refused: nothing stored)."""
        kind = check_upload(upload, files_already=self.count())
        digest = _digest(upload)
        stem = get_valid_filename(PurePosixPath(upload.name or "tep").stem)[:60] or "tep"
        token = uuid.uuid4().hex
        path = default_storage.save(f"{self.folder}/{token}{kind.extension}", upload)
        staged = StagedFile(token=token, path=path, name=f"{stem}{kind.extension}",
                            size=int(upload.size), mime=kind.mime, digest=digest)
        self.data["files"].setdefault(str(document_id), []).append(staged.__dict__)
        self.save()
        return staged

    def remove(self, token: str) -> bool:
        for key, files in self.data["files"].items():
            for f in files:
                if f["token"] == token:
                    files.remove(f)
                    if self._mine(f["path"]):
                        with suppress(OSError):
                            default_storage.delete(f["path"])
                    if not files:
                        del self.data["files"][key]
                    self.save()
                    return True
        return False

    @contextmanager
    def submitted_documents(self, document_ids: list[int]) -> Iterator[list[SubmittedDocument]]:
        """Open the staged files as SubmittedDocuments (one per file); closed afterwards."""
        opened: list[Any] = []
        docs: list[SubmittedDocument] = []
        try:
            for doc_id in document_ids:
                for staged in self.files_for(doc_id):
                    handle = default_storage.open(staged.path, "rb")
                    opened.append(handle)
                    docs.append(SubmittedDocument(required_document_id=doc_id, name="",
                                                  file=File(handle, name=staged.name)))
            yield docs
        finally:
            for handle in opened:
                handle.close()

    def discard(self) -> None:
        """Forget the draft and delete its staged files (after a submit, or on request)."""
        if self.saved is not None:
            svc.filing_draft_delete(owner=self.request.user, draft_id=self.saved.pk)
            self.saved = None
        self.data = {"applicant": None, "declaration": None, "files": {}}


def _digest(upload: Any) -> str:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


@dataclass
class Staging:
    refused: dict[int, list[str]]  # {document id: [refusal messages]}
    repeated: list[str]  # names of files already attached to the same document: kept once


def stage_uploads(*, draft: Draft, uploads: dict[int, list[Any]]) -> Staging:
    """Store every acceptable upload that is not already staged for its document."""
    out = Staging(refused={}, repeated=[])
    for doc_id, files in uploads.items():
        for upload in files:
            if draft.already_staged(doc_id, upload) is not None:
                out.repeated.append(str(upload.name))
                continue
            try:
                draft.add(doc_id, upload)
            except ValidationFailed as exc:
                out.refused.setdefault(doc_id, []).append(str(exc))
    return out
