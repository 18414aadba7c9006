"""Rules of the catalog: publishing versions, checking their process, making drafts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from onestop.agencies.models import Agency
from onestop.core.audit import audit_append
from onestop.core.errors import ValidationFailed

from .models import (
    ChannelFee,
    Fee,
    Field,
    Procedure,
    ProcedureChannel,
    ProcedureVersion,
    RequiredDocument,
)


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
    _copy_channels(source, draft)
    audit_append(actor=actor, action="procedure.draft", object_type="procedure_version",
                 object_id=draft.pk, data={"from_version": source.pk})
    return draft


def _copy_channels(source: ProcedureVersion, draft: ProcedureVersion) -> None:
    for channel in source.channels.prefetch_related("fees"):
        fees = list(channel.fees.all())
        channel.pk = None
        channel.version = draft
        channel.save()
        for fee in fees:
            fee.pk = None
            fee.channel = channel
            fee.save()


# -- drafts from an outside catalog (the national procedure database) ----------------------

@dataclass(frozen=True)
class DraftFee:
    name: str
    amount: int  # VND, an integer: money is never a float
    charge: str = Fee.Charge.LE_PHI
    note: str = ""


@dataclass(frozen=True)
class DraftChannel:
    kind: int  # ProcedureChannel.Kind
    processing_time: Decimal
    time_unit: str = ProcedureChannel.TimeUnit.WORKING_DAYS
    description: str = ""
    fees: tuple[DraftFee, ...] = ()


@dataclass(frozen=True)
class DraftDocument:
    name: str
    originals: int = 1
    copies: int = 0
    optional: bool = False
    # (file name, bytes) of the blank form (mẫu đơn, tờ khai), fetched before the draft is made.
    template: tuple[str, bytes] | None = None


@dataclass(frozen=True)
class Draft:
    """Everything of a version an outside catalog publishes; the city's own parts (internal
    steps, electronic form, payment timing, English names) come from the latest version."""

    code: str
    name: str
    field: Field
    processing_days: Decimal
    result_type: str
    online_level: str = ProcedureVersion.OnlineLevel.PARTIAL
    legal_basis: str = ""
    applicant_steps: str = ""
    eligible_applicants: str = ""
    conditions: str = ""
    fee_note: str = ""
    agencies: tuple[Agency, ...] = ()
    documents: tuple[DraftDocument, ...] = ()
    channels: tuple[DraftChannel, ...] = ()
    fees: tuple[DraftFee, ...] = ()
    source: dict[str, Any] = dataclass_field(default_factory=dict)


@transaction.atomic
def procedure_draft_create(*, draft: Draft, actor: Any | None = None) -> ProcedureVersion:
    """A new DRAFT version of procedure `draft.code` (created if new), never published: an
    admin reviews it and publishes it (procedure_version_publish). Internal steps, the
    electronic form's fields, the payment rules and English names are carried over from the
    procedure's latest version, since the outside catalog does not publish them."""
    procedure, _created = Procedure.objects.get_or_create(code=draft.code)
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    latest = (ProcedureVersion.objects.filter(procedure=procedure).order_by("-number")
              .first())
    version = ProcedureVersion(
        procedure=procedure, number=(latest.number + 1) if latest else 1,
        state=ProcedureVersion.State.DRAFT, name=draft.name[:500], field=draft.field,
        processing_days=draft.processing_days, result_type=draft.result_type[:300],
        online_level=draft.online_level, legal_basis=draft.legal_basis,
        applicant_steps=draft.applicant_steps, eligible_applicants=draft.eligible_applicants,
        conditions=draft.conditions, fee_note=draft.fee_note[:300],
    )
    if latest is not None:
        version.name_en = latest.name_en if latest.name == version.name else ""
        version.payment_timing = latest.payment_timing
        version.payment_pauses_clock = latest.payment_pauses_clock
    version.save()
    version.competent_agencies.set(draft.agencies)
    stored: list[RequiredDocument] = []
    try:
        for order, doc in enumerate(draft.documents, start=1):
            row = RequiredDocument(version=version, order=order, name=doc.name[:500],
                                   originals=doc.originals, copies=doc.copies,
                                   optional=doc.optional)
            if doc.template is not None:
                row.template.save(doc.template[0], ContentFile(doc.template[1]), save=False)
                stored.append(row)
            row.save()
        _draft_rest(version=version, draft=draft, latest=latest)
    except BaseException:
        # Stored files are not part of the transaction: remove the ones this draft wrote.
        for row in stored:
            row.template.delete(save=False)
        raise
    audit_append(actor=actor, action="procedure.draft", object_type="procedure_version",
                 object_id=version.pk, to_state="draft",
                 data={"procedure": draft.code, **draft.source})
    return version


def _draft_rest(*, version: ProcedureVersion, draft: Draft,
                latest: ProcedureVersion | None) -> None:
    for fee in draft.fees:
        Fee.objects.create(version=version, name=fee.name[:300], amount=fee.amount,
                           charge=fee.charge, note=fee.note[:300])
    for order, ch in enumerate(draft.channels, start=1):
        channel = ProcedureChannel.objects.create(
            version=version, kind=ch.kind, order=order, processing_time=ch.processing_time,
            time_unit=ch.time_unit, description=ch.description)
        for fee in ch.fees:
            ChannelFee.objects.create(channel=channel, name=fee.name[:300], amount=fee.amount,
                                      charge=fee.charge, note=fee.note)
    if latest is not None:
        for related in (latest.steps.all(), latest.declaration_fields.all()):
            for item in related:
                item.pk = None
                item.version = version
                item.save()
    version.save()  # the folded search texts now include the documents
