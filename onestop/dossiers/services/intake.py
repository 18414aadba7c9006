"""Filing and receipt: dossier codes, appointments and the planned steps."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency
from onestop.catalog.models import ProcedureVersion, RequiredDocument
from onestop.core.calendars import calendar_for
from onestop.core.clock import now_or
from onestop.core.errors import NotAllowed, ValidationFailed
from onestop.core.identifiers import normalise_tax_code, validate_cccd
from onestop.core.sequences import next_in_sequence
from onestop.core.text import fold
from onestop.core.uploads import accept_upload

from ..declaration import declaration_clean, form_document_ids
from ..models import (
    ApplicantKind,
    Channel,
    CodeCounter,
    Dossier,
    DossierDocument,
    DossierStep,
    FormKind,
    ResultDelivery,
    Status,
)
from ..permissions import authorize
from ..routing import competent_agency_for
from ..transitions import Action, target_status
from ._base import check_move, lock_dossier, record
from .payment import after_receipt
from .registers import form_issue
from .signing import refusal_signed


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    account: Any | None = None
    # The commune (AdministrativeUnit code) of the address: routes commune-level procedures.
    unit_code: str = ""
    # An organisation (kind="organisation"): `name` is its name, `address` its head office;
    # it files through its legal representative, or a person with an authorisation.
    kind: str = ApplicantKind.INDIVIDUAL
    tax_code: str = ""
    representative: str = ""
    filer_name: str = ""
    filer_id_number: str = ""
    authorisation: str = ""


def business_applicant(business: Any, *, filer_name: str, filer_id_number: str = "",
                       phone: str = "", email: str = "") -> Applicant:
    """The applicant of a filing made online for a registered business (accounts.Business):
    the organisation, through the person filing (its representative, or the holder of the
    authorisation the business was registered with; docs/domain.md §13)."""
    return Applicant(
        kind=ApplicantKind.ORGANISATION, name=business.name, tax_code=business.tax_code,
        address=business.head_office,
        representative=business.representative, filer_name=filer_name,
        filer_id_number=filer_id_number, authorisation=business.authorisation,
        phone=phone or business.phone, email=email or business.email,
        account=business.account)


def _validate_applicant(a: Applicant) -> Applicant:
    """The applicant's identity, normalised; a clear error for what is missing or malformed."""
    if not a.name.strip():
        raise ValidationFailed(_("The applicant's name is required."))
    if a.id_number:
        validate_cccd(a.id_number)
    if a.filer_id_number:
        validate_cccd(a.filer_id_number)
    if a.kind == ApplicantKind.INDIVIDUAL:
        return a
    if a.kind != ApplicantKind.ORGANISATION:
        raise ValidationFailed(_("Unknown kind of applicant."))
    tax_code = normalise_tax_code(a.tax_code)
    if not a.representative.strip():
        raise ValidationFailed(_("Give the organisation's legal representative."))
    filer = a.filer_name.strip()
    # docs/domain.md §13: a business files through its legal representative or an authorised person.
    if filer and fold(filer) != fold(a.representative) and not a.authorisation.strip():
        raise ValidationFailed(_("A person filing for the organisation who is not its legal "
                                 "representative needs an authorisation document."))
    return replace(a, tax_code=tax_code, representative=a.representative.strip(),
                   filer_name=filer, authorisation=a.authorisation.strip())


@dataclass(frozen=True)
class SubmittedDocument:
    required_document_id: int | None
    name: str = ""
    originals: int = 0
    copies: int = 0
    file: Any | None = None  # an uploaded file; paper documents at the counter have none


@dataclass(frozen=True)
class Filing:
    procedure_version: ProcedureVersion
    receiving_agency: Agency
    applicant: Applicant
    documents: Sequence[SubmittedDocument] = field(default_factory=tuple)
    handling_agency: Agency | None = None
    note: str = ""
    # "Đăng ký nhận kết quả tại" (form 01): the counter, or the public postal service.
    result_delivery: str = ResultDelivery.COUNTER
    # The version's electronic form (tờ khai điện tử) as filled in, {field key: value}; None
    # when the declaration is uploaded as a scan like any other document.
    declaration: Mapping[str, Any] | None = None


def next_dossier_code(*, agency: Agency, day: datetime.date) -> str:
    """Circular 01/2018/TT-VPCP Art. 19: <agency code>-YYMMDD-XXXX, XXXX per agency and day.

    Taken inside the receipt transaction (onestop.core.sequences: consecutive under
    concurrent receipts, no committed gap, never a reused code).
    """
    last = next_in_sequence(CodeCounter, agency=agency, day=day)
    return f"{agency.code}-{day:%y%m%d}-{last:04d}"


def _validate_filing(filing: Filing, *, on: datetime.date,
                     require_complete: bool) -> tuple[Agency, dict[str, str]]:
    """The competent agency and the cleaned electronic declaration ({} without one)."""
    version = filing.procedure_version
    if not version.is_valid_on(on):
        raise ValidationFailed(_("This procedure is not in force on %(day)s."), day=on.isoformat())
    if not filing.receiving_agency.receives_dossiers:
        raise ValidationFailed(_("%(agency)s does not receive dossiers."),
                               agency=filing.receiving_agency.name)
    a = _validate_applicant(filing.applicant)
    handling = competent_agency_for(version=version, receiving_agency=filing.receiving_agency,
                                    chosen=filing.handling_agency,
                                    applicant_unit_code=a.unit_code)
    check_documents_belong(version, filing.documents)
    declaration: dict[str, str] = {}
    if filing.declaration is not None:
        # Every field checked at once; the filled form stands for the declaration document.
        declaration = declaration_clean(version, filing.declaration, today=on)
    if require_complete:
        given = [d.required_document_id for d in filing.documents if d.originals or d.copies
                 or d.file]
        if declaration:
            given += form_document_ids(version)
        missing = [doc.name for doc in missing_documents(version, given)]
        if missing:
            raise ValidationFailed(
                _("The dossier is incomplete; missing: %(docs)s."), docs="; ".join(missing)
            )
    return handling, declaration


def missing_documents(version: ProcedureVersion,
                      given: Iterable[int | None]) -> list[RequiredDocument]:
    """The version's required (not optional) documents that are not among `given`: the one
    completeness rule, for the services and for the portal's step-by-step filing."""
    have = set(given)
    return [doc for doc in _required_documents(version) if not doc.optional
            and doc.id not in have]


def check_documents_belong(version: ProcedureVersion,
                           documents: Iterable[SubmittedDocument]) -> None:
    """Every document given for a required document names one of this version's."""
    known = {doc.id for doc in _required_documents(version)}
    if any(d.required_document_id is not None and d.required_document_id not in known
           for d in documents):
        raise ValidationFailed(_("A document id does not belong to this procedure."))


def accepted_documents(documents: Sequence[SubmittedDocument]) -> list[SubmittedDocument]:
    """Every attached file through the one upload check (core.uploads: type sniffed from the
    bytes, size, count), whoever uploads it: citizen, officer, page or API."""
    out: list[SubmittedDocument] = []
    count = 0
    for doc in documents:
        if doc.file:
            doc = replace(doc, file=accept_upload(doc.file, files_already=count))
            count += 1
        out.append(doc)
    return out


def _create(filing: Filing, *, channel: Channel, status: Status, filed_by: Any | None,
            at: datetime.datetime, handling: Agency, receive: bool,
            declaration: dict[str, str] | None = None) -> Dossier:
    """Insert the dossier with its documents (and, when `receive`, its code and plan)."""
    a = _validate_applicant(filing.applicant)
    documents = accepted_documents(filing.documents)
    dossier = Dossier(
        procedure_version=filing.procedure_version, receiving_agency=filing.receiving_agency,
        handling_agency=handling, status=status, channel=channel, applicant_name=a.name.strip(),
        applicant_id_number=a.id_number, applicant_phone=a.phone, applicant_email=a.email,
        applicant_address=a.address, applicant=a.account, filed_by=filed_by, note=filing.note,
        submitted_at=at, result_delivery=ResultDelivery(filing.result_delivery),
        applicant_kind=a.kind, applicant_tax_code=a.tax_code,
        applicant_representative=a.representative, filer_name=a.filer_name,
        filer_id_number=a.filer_id_number, authorisation=a.authorisation,
        declaration=declaration or {},
    )
    steps = _plan_receipt(dossier, at=at) if receive else []
    dossier.save(force_insert=True)
    known = {d.id: d for d in _required_documents(filing.procedure_version)}
    DossierDocument.objects.bulk_create([
        DossierDocument(
            dossier=dossier, required_document=known.get(doc.required_document_id or -1),
            kind=DossierDocument.Kind.SUBMITTED,
            name=doc.name or getattr(known.get(doc.required_document_id or -1), "name", ""),
            file=doc.file or "", originals=doc.originals, copies=doc.copies,
            uploaded_by=filed_by or a.account, uploaded_at=at,
        )
        for doc in documents if doc.originals or doc.copies or doc.file
    ])
    if declaration:
        _file_declaration(dossier, declaration, by=filed_by or a.account, at=at)
    if steps:
        _save_steps(dossier, steps)
    return dossier


def _file_declaration(dossier: Dossier, values: dict[str, str], *, by: Any | None,
                      at: datetime.datetime) -> None:
    """The filled electronic form, printed to PDF, filed as the declaration document(s)."""
    from ..pdf.declaration import render_declaration

    pdf = render_declaration(dossier, values)
    known = {d.id: d for d in _required_documents(dossier.procedure_version)}
    for doc_id in form_document_ids(dossier.procedure_version):
        DossierDocument.objects.create(
            dossier=dossier, required_document=known[doc_id],
            kind=DossierDocument.Kind.SUBMITTED, name=known[doc_id].name,
            file=ContentFile(pdf, name="to-khai-dien-tu.pdf"), uploaded_by=by, uploaded_at=at)


def _required_documents(version: ProcedureVersion) -> list[RequiredDocument]:
    """The version's documents, read once per filing (validation and creation share them)."""
    cached: list[RequiredDocument] | None = getattr(version, "_onestop_documents", None)
    if cached is None:
        cached = list(version.documents.all())
        version._onestop_documents = cached  # type: ignore[attr-defined]
    return cached


def _plan_receipt(dossier: Dossier, *, at: datetime.datetime) -> list[DossierStep]:
    """Assign the code, the appointment and every step's due moment from the receipt moment.

    Returns the unsaved steps; `_save_steps` stores them once the dossier has its key.
    """
    cal = calendar_for(dossier.receiving_agency)
    day = timezone.localtime(at).date()
    dossier.code = next_dossier_code(agency=dossier.receiving_agency, day=day)
    dossier.received_at = at
    version = dossier.procedure_version
    # A period counts from the moment a complete dossier is received (docs/domain.md §6).
    appointment = cal.add_seconds(at, cal.days_to_seconds(version.processing_days))
    dossier.appointment_at = dossier.original_appointment_at = appointment
    dossier.legal_due_at = appointment
    moment = at
    steps: list[DossierStep] = []
    for step in version.steps.order_by("order"):
        allotted = cal.days_to_seconds(step.allotment_days)
        moment = cal.add_seconds(moment, allotted)
        default = (dossier.receiving_agency_id if step.kind == "receive"
                   else dossier.handling_agency_id)
        steps.append(DossierStep(
            order=step.order, name=step.name, kind=step.kind,
            agency_id=step.agency_id or default, role=step.role, allotted_seconds=allotted,
            due_at=moment,
        ))
    if not steps:
        raise ValidationFailed(_("This procedure has no process steps."))
    steps[-1].due_at = max(steps[-1].due_at, appointment)
    steps[0].started_at = at
    return steps


def _save_steps(dossier: Dossier, steps: list[DossierStep]) -> None:
    for step in steps:
        step.dossier = dossier
    DossierStep.objects.bulk_create(steps)
    first = steps[0]
    if first.pk is None:  # databases that cannot return keys from a bulk insert
        first = DossierStep.objects.get(dossier=dossier, order=first.order)
    dossier.current_step = first


@transaction.atomic
def dossier_submit_online(
    *, filing: Filing, at: datetime.datetime | None = None
) -> Dossier:
    """A citizen files online: status 1, no code yet (it is given at receipt)."""
    at = now_or(at)
    handling, declaration = _validate_filing(filing, on=timezone.localtime(at).date(),
                                             require_complete=True)
    if filing.procedure_version.online_level == ProcedureVersion.OnlineLevel.NONE:
        raise ValidationFailed(_("This procedure cannot be filed online."))
    dossier = _create(filing, channel=Channel.ONLINE, status=Status.SUBMITTED, filed_by=None,
                      at=at, handling=handling, receive=False, declaration=declaration)
    record(dossier=dossier, action=Action.SUBMIT_ONLINE, actor=filing.applicant.account,
           from_status=None, fields=["status"], at=at)
    return dossier


@transaction.atomic
def dossier_intake_at_counter(
    *, officer: Any, filing: Filing, channel: Channel = Channel.COUNTER,
    at: datetime.datetime | None = None,
) -> Dossier:
    """An officer receives a complete paper dossier (or files on a citizen's behalf)."""
    at = now_or(at)
    handling, declaration = _validate_filing(filing, on=timezone.localtime(at).date(),
                                             require_complete=True)
    probe = Dossier(receiving_agency=filing.receiving_agency, handling_agency=handling)
    try:
        authorize(action=Action.INTAKE, dossier=probe, user=officer)
    except NotAllowed as exc:
        raise NotAllowed(_("Only a one-stop officer of %(centre)s can receive here."),
                         centre=filing.receiving_agency.name) from exc
    dossier = _create(filing, channel=channel, status=Status.RECEIVED, filed_by=officer, at=at,
                      handling=handling, receive=True, declaration=declaration)
    record(dossier=dossier, action=Action.INTAKE, actor=officer, from_status=None,
           fields=["current_step"], at=at,
           data={"code": dossier.code, "appointment": dossier.appointment_at})
    form_issue(form=FormKind.RECEIPT, agency=dossier.receiving_agency, dossier=dossier, at=at)
    after_receipt(dossier, at=at)
    return dossier


@transaction.atomic
def dossier_receive(
    *, dossier_id: int, officer: Any, expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Dossier:
    """Receive an online filing: status 1 → 2, code and appointment assigned."""
    at = now_or(at)
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=expected_version)
    to = check_move(action=Action.RECEIVE, dossier=dossier)
    authorize(action=Action.RECEIVE, dossier=dossier, user=officer)
    dossier.status = to
    _save_steps(dossier, _plan_receipt(dossier, at=at))
    record(dossier=dossier, action=Action.RECEIVE, actor=officer, from_status=Status.SUBMITTED,
           fields=["status", "code", "received_at", "appointment_at", "original_appointment_at",
                   "legal_due_at", "current_step"], at=at,
           data={"code": dossier.code, "appointment": dossier.appointment_at})
    form_issue(form=FormKind.RECEIPT, agency=dossier.receiving_agency, dossier=dossier, at=at)
    after_receipt(dossier, at=at)
    return dossier


@transaction.atomic
def dossier_refuse(
    *, dossier_id: int, officer: Any, reason: str, expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Dossier:
    """Refuse an online filing at receipt (status 3, form 03) with a reason."""
    at = now_or(at)
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for refusing."))
    dossier = lock_dossier(dossier_id=dossier_id, expected_version=expected_version)
    to = check_move(action=Action.REFUSE, dossier=dossier)
    authorize(action=Action.REFUSE, dossier=dossier, user=officer)
    dossier.status = to
    dossier.finished_at = at
    record(dossier=dossier, action=Action.REFUSE, actor=officer, from_status=Status.SUBMITTED,
           fields=["status", "finished_at"], at=at, reason=reason.strip())
    issued = form_issue(form=FormKind.REFUSAL, agency=dossier.receiving_agency, dossier=dossier,
                        at=at)
    refusal_signed(dossier=dossier, officer=officer, at=at, number=issued.number_line)
    return dossier


@transaction.atomic
def dossier_refuse_at_counter(
    *, officer: Any, filing: Filing, reason: str, at: datetime.datetime | None = None,
) -> Dossier:
    """Refuse to receive a paper dossier at the counter (status 3, form 03) with a reason.

    The dossier is recorded (the refusal and form 03 need it) but never received: it takes
    no code and no appointment. The documents need not be complete: incompleteness or lack
    of competence is often the reason.
    """
    at = now_or(at)
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for refusing."))
    version = filing.procedure_version
    _validate_applicant(filing.applicant)
    handling = filing.handling_agency or next(iter(version.competent_agencies.all()), None)
    if handling is None:
        raise ValidationFailed(_("No competent agency is set for this procedure."))
    probe = Dossier(receiving_agency=filing.receiving_agency, handling_agency=handling)
    authorize(action=Action.REFUSE, dossier=probe, user=officer)
    to = target_status(Action.REFUSE, None)
    assert to is not None
    dossier = _create(filing, channel=Channel.COUNTER, status=to, filed_by=officer, at=at,
                      handling=handling, receive=False)
    dossier.finished_at = at
    record(dossier=dossier, action=Action.REFUSE, actor=officer, from_status=None,
           fields=["finished_at"], at=at, reason=reason.strip())
    issued = form_issue(form=FormKind.REFUSAL, agency=dossier.receiving_agency, dossier=dossier,
                        at=at)
    refusal_signed(dossier=dossier, officer=officer, at=at, number=issued.number_line)
    return dossier
