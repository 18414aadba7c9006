"""A citizen's saved drafts of online filings: kept for their account only, resumable, deletable.

A draft is unfinished work of the citizen, not a dossier: it has no status, no code and
no clock, and no officer sees it. Sending it goes through dossier_submit_online like any
filing; afterwards (or when the citizen deletes it) the draft and its staged files go.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction

from onestop.catalog.models import Procedure
from onestop.core.errors import NotFound

from ..models import FilingDraft


def filing_draft_of(*, owner: Any, procedure_code: str) -> FilingDraft | None:
    """The owner's draft for this procedure, if they saved one."""
    if not getattr(owner, "pk", None):
        return None
    return (FilingDraft.objects.filter(owner=owner, procedure__code=procedure_code)
            .select_related("procedure").first())


@transaction.atomic
def filing_draft_save(*, owner: Any, procedure: Procedure, data: dict[str, Any]) -> FilingDraft:
    """Keep what the citizen has entered so far (one draft per account and procedure)."""
    draft, created = FilingDraft.objects.select_for_update().get_or_create(
        owner=owner, procedure=procedure, defaults={"data": data})
    if not created:
        draft.data = data
        draft.save(update_fields=["data", "updated_at"])
    return draft


def _delete_files(paths: list[str]) -> None:
    for path in paths:
        with suppress(OSError):
            default_storage.delete(path)


@transaction.atomic
def filing_draft_delete(*, owner: Any, draft_id: int) -> None:
    """Delete one of the owner's drafts and its staged files (NotFound for anyone else's)."""
    draft = FilingDraft.objects.select_for_update().filter(owner=owner, pk=draft_id).first()
    if draft is None or not getattr(owner, "pk", None):
        raise NotFound()
    paths = draft.staged_paths()
    draft.delete()
    # The files go once the row is gone for good; a rolled-back delete keeps both.
    transaction.on_commit(lambda: _delete_files(paths))
