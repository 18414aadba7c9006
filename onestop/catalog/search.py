"""Keeps ProcedureVersion.search_name / search_text current when what they fold changes.

ProcedureVersion.save() folds its own fields; the names of its required documents and of
its field live in other tables, so their saves and deletes refresh the versions they touch.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import post_delete, post_save

from .models import Field, ProcedureVersion, RequiredDocument


def refresh_search(*, version_ids: Iterable[int]) -> int:
    """Recompute the folded copies of these versions; returns how many rows changed."""
    changed = 0
    for version in ProcedureVersion.objects.filter(pk__in=list(version_ids)).select_related(
        "procedure", "field"
    ):
        name, text = version.folded_search_texts()
        if (name, text) != (version.search_name, version.search_text):
            # update(), not save(): no version-level side effects, no recursion.
            ProcedureVersion.objects.filter(pk=version.pk).update(search_name=name,
                                                                  search_text=text)
            changed += 1
    return changed


def _document_changed(sender: Any, instance: RequiredDocument, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the fixture carries its own folded copies
    refresh_search(version_ids=[instance.version_id])


def _field_changed(sender: Any, instance: Field, **kwargs: Any) -> None:
    if kwargs.get("raw") or kwargs.get("created"):
        return
    refresh_search(version_ids=instance.procedureversion_set.values_list("pk", flat=True))


def connect() -> None:
    post_save.connect(_document_changed, sender=RequiredDocument,
                      dispatch_uid="catalog.search.document_saved")
    post_delete.connect(_document_changed, sender=RequiredDocument,
                        dispatch_uid="catalog.search.document_deleted")
    post_save.connect(_field_changed, sender=Field, dispatch_uid="catalog.search.field_saved")
