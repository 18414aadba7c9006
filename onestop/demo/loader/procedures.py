"""The demo catalog: procedures drafted as plain rows, published through the catalog services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from onestop.accounts.models import User
from onestop.agencies.models import Agency
from onestop.catalog.models import (
    DeclarationField,
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
)
from onestop.catalog.services import procedure_version_publish

from .. import catalog as data
from ..files import demo_file

CATALOG_FROM = datetime.date(2025, 7, 1)


def _build_catalog(
    *, departments: dict[str, Agency], committees: dict[str, Agency], admin: User
) -> dict[str, tuple[data.ProcedureSpec, ProcedureVersion]]:
    fields = {}
    for code, name, name_en in data.FIELDS:
        fields[code], _created = Field.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en})
    versions: dict[str, tuple[data.ProcedureSpec, ProcedureVersion]] = {}
    for spec in data.PROCEDURES:
        steps = [Decimal(s) for s in spec.steps]
        if sum(steps) != Decimal(spec.days):  # caught here with the procedure's name
            raise ValueError(f"{spec.code}: allotments do not add up to {spec.days}")
        procedure = Procedure.objects.create(code=spec.code)
        version = ProcedureVersion.objects.create(
            procedure=procedure, number=1, name=spec.name, name_en=spec.name_en,
            field=fields[spec.field], processing_days=Decimal(spec.days),
            result_type=spec.result, online_level=spec.online, legal_basis=spec.legal_basis,
            fee_note=spec.fee_note,
            applicant_steps=data.applicant_steps(spec),
            eligible_applicants=data.ELIGIBLE_BY_FIELD.get(spec.field, ""),
            conditions=data.CONDITIONS_BY_FIELD.get(spec.field, ""),
            # Land procedures do not count the time to meet financial obligations.
            payment_pauses_clock=spec.field == "dat-dai",
        )
        competent = (list(committees.values()) if spec.handler == "commune"
                     else [departments[spec.handler]])
        version.competent_agencies.add(*competent)
        form = data.ELECTRONIC_FORMS.get(spec.code, ())
        for order, (name, originals, copies, optional) in enumerate(spec.documents, start=1):
            document = RequiredDocument.objects.create(
                version=version, order=order, name=name, originals=originals, copies=copies,
                optional=optional,
                electronic_form=bool(form) and name.lower().startswith("tờ khai"))
            if data.is_form(name):
                # A blank form to download from the procedure page (demo data).
                blank = demo_file(f"Mẫu: {name}", spec.name)
                document.template.save(str(blank.name), blank, save=True)
        DeclarationField.objects.bulk_create(
            DeclarationField(version=version, order=order, section_en=data.SECTIONS_EN.get(
                f.section, ""), **f.__dict__) for order, f in enumerate(form, start=1))
        for name, amount, kind in spec.fees:
            # A "Phí …" is a charge, a "Lệ phí …" an administrative fee (Law 97/2015/QH13).
            Fee.objects.create(version=version, name=name, amount=amount, kind=kind,
                               charge=Fee.Charge.PHI if name.startswith("Phí")
                               else Fee.Charge.LE_PHI)
        for order, ((kind, role, name, name_en), allotment) in enumerate(
            zip(data.STEP_NAMES, steps, strict=True), start=1
        ):
            # No agency: the receiving centre for "receive", the competent agency otherwise.
            ProcessStep.objects.create(version=version, order=order, name=name,
                                       name_en=name_en, kind=kind, role=role,
                                       allotment_days=allotment)
        version = procedure_version_publish(version=version, valid_from=CATALOG_FROM,
                                            actor=admin)
        versions[spec.code] = (spec, version)
    return versions
