"""Rules of the catalog: publishing versions and checking their process."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from onestop.core.audit import audit_append
from onestop.core.errors import ValidationFailed

from .models import ProcedureVersion


def process_problems(*, version: ProcedureVersion) -> list[str]:
    """What keeps a version from being published; empty when it is sound."""
    problems: list[str] = []
    steps = list(version.steps.order_by("order"))
    if not steps:
        problems.append(_("The process has no steps."))
        return problems
    total = sum((s.allotment_days for s in steps), Decimal("0"))
    if total != version.processing_days:
        problems.append(
            _("The steps' allotments add up to %(total)s working days, not the legal %(legal)s.")
            % {"total": total, "legal": version.processing_days}
        )
    if steps[-1].kind != "approve":
        problems.append(_("The last step must be an approval (it makes the result ready)."))
    if not version.competent_agencies.exists():
        problems.append(_("No competent agency is set."))
    return problems


@transaction.atomic
def procedure_version_publish(
    *, version: ProcedureVersion, valid_from: datetime.date, actor: Any | None = None
) -> ProcedureVersion:
    """Publish a draft from `valid_from`; the version in force until then ends that day."""
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.state != ProcedureVersion.State.DRAFT:
        raise ValidationFailed(_("Only a draft can be published."))
    problems = process_problems(version=version)
    if problems:
        raise ValidationFailed(" ".join(problems))
    previous = (
        ProcedureVersion.objects.select_for_update()
        .filter(procedure_id=version.procedure_id, state=ProcedureVersion.State.PUBLISHED)
        .exclude(pk=version.pk)
    )
    for old in previous:
        if old.valid_to is None or old.valid_to > valid_from:
            old.valid_to = valid_from
            if old.valid_from is not None and old.valid_from >= valid_from:
                old.state = ProcedureVersion.State.RETIRED
            old.save(update_fields=["valid_to", "state"])
    version.state = ProcedureVersion.State.PUBLISHED
    version.valid_from = valid_from
    version.save(update_fields=["state", "valid_from"])
    audit_append(
        actor=actor, action="procedure.publish", object_type="procedure_version",
        object_id=version.pk, to_state="published", data={"valid_from": valid_from.isoformat()},
    )
    return version


@transaction.atomic
def procedure_version_copy(*, version: ProcedureVersion, actor: Any | None = None
                           ) -> ProcedureVersion:
    """A new draft with everything of `version` (documents, fees, steps, agencies, the
    electronic form's fields)."""
    source = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    last = (
        ProcedureVersion.objects.filter(procedure_id=source.procedure_id)
        .order_by("-number").values_list("number", flat=True).first()
    ) or 0
    draft = ProcedureVersion.objects.get(pk=source.pk)
    draft.pk = None
    draft.number = last + 1
    draft.state = ProcedureVersion.State.DRAFT
    draft.valid_from = draft.valid_to = None
    draft.save()
    draft.competent_agencies.set(source.competent_agencies.all())
    for related in (source.documents.all(), source.fees.all(), source.steps.all(),
                    source.declaration_fields.all()):
        for item in related:
            item.pk = None
            item.version = draft
            item.save()
    audit_append(actor=actor, action="procedure.draft", object_type="procedure_version",
                 object_id=draft.pk, data={"from_version": source.pk})
    return draft
