"""A citizen's unfinished online filing, kept for their account until they send or delete it."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.catalog.models import Procedure


class FilingDraft(models.Model):
    """What the citizen typed and the files already accepted, one draft per procedure.

    `data` holds {"applicant": {...} | None, "declaration": {...} | None,
    "files": {required document id: [staged file, ...]}}; the files themselves sit under
    MEDIA_ROOT/staging/<owner id>/ (onestop.portal.staging checks and stores them). Keyed by
    the procedure, not the version: a citizen who comes back after a new version is
    published continues on the version in force, and files for documents the new version no
    longer lists are simply not counted.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="filing_drafts", verbose_name=_("account"))
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE,
                                  related_name="filing_drafts", verbose_name=_("procedure"))
    data = models.JSONField(_("draft data"), default=dict)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("filing draft")
        verbose_name_plural = _("filing drafts")
        constraints = [models.UniqueConstraint(fields=["owner", "procedure"],
                                               name="filing_draft_one_per_procedure")]

    def __str__(self) -> str:
        return f"{self.owner_id} – {self.procedure_id}"

    @property
    def staging_folder(self) -> str:
        return f"staging/{self.owner_id}"

    def owns_path(self, path: str) -> bool:
        """A stored path read back from `data` is used only inside the owner's own folder."""
        p = PurePosixPath(path)
        return str(p.parent) == self.staging_folder and ".." not in p.parts

    def staged_paths(self) -> list[str]:
        files: dict[str, list[dict[str, Any]]] = (self.data or {}).get("files", {})
        return [f["path"] for group in files.values() for f in group
                if isinstance(f, dict) and self.owns_path(str(f.get("path", "")))]

    def file_count(self) -> int:
        return len(self.staged_paths())
