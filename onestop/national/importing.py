"""Importing the national procedure catalog into the versioned catalog (docs/national.md).

`catalog_import` asks the adapter for the fields (LayDanhMucLinhVuc) and agencies
(LayDanhMucCoQuan), kept as data, then for each procedure (LayDanhSachTTHC, or the codes
given) its record (LayThuTuc), and turns each record into a DRAFT version of the catalog
(catalog.services.procedure_draft_create), never published: an admin reviews and publishes
it. A refresh makes a new draft only when what the record says changed (a digest of the
parsed values). It fills the procedure mapping (MaTTHC, MaLinhVuc) the sync sends.

Each procedure is one transaction: a bad record (an error code, a missing or unusable field,
a form that cannot be fetched, a timeout) is reported with its reason and leaves nothing of
that procedure behind; the others go on. Times are Decimal working days or hours, fees
integer VND: a JSON number is read from its decimal text, never kept as a float.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _

from onestop.agencies.models import Agency, Membership
from onestop.catalog.models import Fee, Field, Procedure, ProcedureChannel, ProcedureVersion
from onestop.catalog.services import (
    Draft,
    DraftChannel,
    DraftDocument,
    DraftFee,
    procedure_draft_create,
)
from onestop.core.text import fold

from .client import AdapterClient, NationalError
from .models import (
    CatalogImport,
    CatalogSource,
    NationalAgency,
    NationalField,
    ProcedureMapping,
)

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024
# A working day is the office day of the centres (07:00–11:00 and 13:00–17:00 by default,
# docs/domain.md §6): times given in working hours become days of 8 hours on the version; the
# channel keeps the hours as published.
HOURS_PER_WORKING_DAY = Decimal(8)
CENT = Decimal("0.01")
_AMOUNT = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$|^\d+$")
_FREE = {"", "khong", "mien", "mien phi", "mien le phi", "0"}


class BadRecord(Exception):
    """The catalog's record lacks something the draft needs, or holds an unusable value."""


# -- reading values ------------------------------------------------------------------------

def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _list(record: dict[str, Any], key: str, *, required: bool = False) -> list[Any]:
    value = record.get(key)
    if value in (None, "") and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        raise BadRecord(_("%(field)s: missing or not a list") % {"field": key})
    return value


def _number(value: Any, *, what: str) -> Decimal:
    """A JSON number or numeric text as an exact Decimal (a float is read from its shortest
    decimal text, which is what the JSON said)."""
    if isinstance(value, bool):
        raise BadRecord(_("%(field)s: not a number") % {"field": what})
    try:
        if isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        else:
            number = Decimal(_text(value).replace(",", "."))
    except InvalidOperation:
        raise BadRecord(_("%(field)s: not a number (%(value)s)")
                        % {"field": what, "value": value}) from None
    if not number.is_finite() or number < 0:
        raise BadRecord(_("%(field)s: not a number (%(value)s)") % {"field": what,
                                                                   "value": value})
    return number


def parse_amount(value: Any) -> int:
    """SOTIEN in integer VND: 75000, "75.000", "75,000 đồng", "Không" (0)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, float):
        if value.is_integer() and 0 <= value < 10**15:
            return int(Decimal(repr(value)))
        raise BadRecord(_("SOTIEN: not a whole amount in VND (%(value)s)") % {"value": value})
    text = fold(_text(value)).replace("dong", "").replace("vnd", "").strip(" .đ")
    if text in _FREE:
        return 0
    if not _AMOUNT.match(text):
        raise BadRecord(_("SOTIEN: not a whole amount in VND (%(value)s)") % {"value": value})
    return int(re.sub(r"[.,]", "", text))


def parse_unit(value: Any) -> str:
    """DONVITINH: "Ngày làm việc", "Ngày", "Giờ làm việc", "Giờ"."""
    text = fold(_text(value))
    if "gio" in text:
        return ProcedureChannel.TimeUnit.WORKING_HOURS
    if "ngay lam viec" in text:
        return ProcedureChannel.TimeUnit.WORKING_DAYS
    if "ngay" in text:
        return ProcedureChannel.TimeUnit.DAYS
    raise BadRecord(_("DONVITINH: unknown unit of time (%(value)s)") % {"value": value})


@dataclasses.dataclass(frozen=True)
class Template:
    name: str
    url: str


@dataclasses.dataclass(frozen=True)
class Parsed:
    """What a LayThuTuc record says, in the catalog's terms (the digest is taken of it)."""

    code: str
    name: str
    field_code: str
    field_name: str
    steps: tuple[str, ...]
    channels: tuple[DraftChannel, ...]
    eligible: str
    conditions: str
    results: tuple[str, ...]
    legal_basis: tuple[str, ...]
    agencies: tuple[tuple[str, str], ...]
    documents: tuple[tuple[DraftDocument, Template | None], ...]
    online_level: str
    published: bool

    def digest(self) -> str:
        def plain(value: Any) -> Any:
            if dataclasses.is_dataclass(value) and not isinstance(value, type):
                return {f.name: plain(getattr(value, f.name))
                        for f in dataclasses.fields(value)}
            if isinstance(value, (list, tuple)):
                return [plain(v) for v in value]
            if isinstance(value, Decimal):
                return str(value.normalize())
            return value

        text = json.dumps(plain(self), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


def _channel(item: Any) -> DraftChannel:
    if not isinstance(item, dict):
        raise BadRecord(_("CACHTHUCTHUCHIEN: an entry is not an object"))
    try:
        kind = int(item.get("KENH"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        kind = 0
    if kind not in ProcedureChannel.Kind.values:
        raise BadRecord(_("KENH: 1, 2 or 3 (%(value)s)") % {"value": item.get("KENH")})
    times = _list(item, "THOIGIAN", required=True)
    first = times[0]
    if not isinstance(first, dict) or first.get("THOIGIANGIAIQUYET") in (None, ""):
        raise BadRecord(_("THOIGIANGIAIQUYET: missing"))
    fees = []
    for fee in _list(first, "PHILEPHI"):
        if not isinstance(fee, dict) or "SOTIEN" not in fee:
            raise BadRecord(_("PHILEPHI: an entry without SOTIEN"))
        description = _text(fee.get("MOTA"))
        fees.append(DraftFee(
            name=(description or _("Fee"))[:300], amount=parse_amount(fee.get("SOTIEN")),
            # MAPHILEPHI "1" phí, else lệ phí (one provincial system's reading; unconfirmed).
            charge=Fee.Charge.PHI if _text(fee.get("MAPHILEPHI")) == "1" else Fee.Charge.LE_PHI,
            note=description))
    return DraftChannel(kind=kind, processing_time=_number(first["THOIGIANGIAIQUYET"],
                                                           what="THOIGIANGIAIQUYET"),
                        time_unit=parse_unit(first.get("DONVITINH")),
                        description=_text(first.get("MOTA")), fees=tuple(fees))


def parse_procedure(record: Any, *, code: str) -> Parsed:
    """Read one LayThuTuc record; BadRecord names the first field that is missing or wrong."""
    if not isinstance(record, dict):
        raise BadRecord(_("the answer is not a procedure record"))
    got = _text(record.get("MATTHC") or record.get("MaTTHC"))
    if got != code:
        raise BadRecord(_("MATTHC: %(got)s instead of %(code)s") % {"got": got or "—",
                                                                    "code": code})
    name = _text(record.get("TENTTHC"))
    if not name:
        raise BadRecord(_("%(field)s: missing") % {"field": "TENTTHC"})
    fields = _list(record, "LINHVUCTHUCHIEN", required=True)
    if not isinstance(fields[0], dict) or not _text(fields[0].get("MALINHVUC")):
        raise BadRecord(_("%(field)s: missing") % {"field": "MALINHVUC"})
    steps = []
    for case in _list(record, "TRINHTUTHUCHIEN"):
        if isinstance(case, dict):
            if _text(case.get("TRUONGHOP")):
                steps.append(_text(case["TRUONGHOP"]) + ":")
            steps += [_text(s.get("TENTRINHTU")) for s in _list(case, "TRINHTU")
                      if isinstance(s, dict) and _text(s.get("TENTRINHTU"))]
    channels = tuple(_channel(c) for c in _list(record, "CACHTHUCTHUCHIEN", required=True))
    results = tuple(_text(r.get("TENKETQUA")) for r in _list(record, "KETQUATHUCHIEN",
                                                             required=True)
                    if isinstance(r, dict) and _text(r.get("TENKETQUA")))
    if not results:
        raise BadRecord(_("%(field)s: missing") % {"field": "TENKETQUA"})
    legal = tuple(" ".join(p for p in (_text(r.get("SOVANBAN")), _text(r.get("TENVANBAN")))
                           if p)
                  for r in _list(record, "CANCUPHAPLY") if isinstance(r, dict))
    agencies = tuple((_text(a.get("MADONVI")), _text(a.get("TENDONVI")))
                     for a in _list(record, "COQUANTHUCHIEN")
                     if isinstance(a, dict) and _text(a.get("MADONVI")))
    cases = [c for c in _list(record, "THANHPHANHOSO") if isinstance(c, dict)]
    documents = []
    for case in cases:
        prefix = f"[{_text(case.get('TRUONGHOP'))}] " if len(cases) > 1 and _text(
            case.get("TRUONGHOP")) else ""
        for doc in _list(case, "GIAYTO"):
            if not isinstance(doc, dict) or not _text(doc.get("TENGIAYTO")):
                raise BadRecord(_("%(field)s: missing") % {"field": "TENGIAYTO"})
            url, form = _text(doc.get("URL")), _text(doc.get("TENMAUDON"))
            documents.append((DraftDocument(
                name=(prefix + _text(doc["TENGIAYTO"]))[:500],
                originals=int(_number(doc.get("SOBANCHINH") or 0, what="SOBANCHINH")),
                copies=int(_number(doc.get("SOBANSAO") or 0, what="SOBANSAO")),
                # Which case applies depends on the applicant: with several, none is required.
                optional=len(cases) > 1,
            ), Template(name=form or url.rsplit("/", 1)[-1], url=url) if url else None))
    eligible = _text(record.get("MOTADOITUONGTHUCHIEN")) or ", ".join(
        _text(d.get("TENDOITUONG")) for d in _list(record, "DOITUONGTHUCHIEN")
        if isinstance(d, dict))
    kinds = {c.kind for c in channels}
    level = fold(_text(record.get("MUCDO")))
    online = (ProcedureVersion.OnlineLevel.NONE if ProcedureChannel.Kind.ONLINE not in kinds
              else ProcedureVersion.OnlineLevel.FULL if level in {"4", "toan trinh"}
              else ProcedureVersion.OnlineLevel.PARTIAL)
    conditions = _text(record.get("YEUCAU"))
    return Parsed(
        code=code, name=name, field_code=_text(fields[0]["MALINHVUC"]),
        field_name=_text(fields[0].get("TENLINHVUC")), steps=tuple(steps),
        channels=channels, eligible=eligible,
        conditions="" if fold(conditions) in {"khong", ""} else conditions,
        results=results, legal_basis=legal, agencies=agencies, documents=tuple(documents),
        online_level=online, published=_text(record.get("TRANGTHAI")) in {"", "1"})


# -- the lists -----------------------------------------------------------------------------

def _rows(items: list[Any], code_key: str, name_key: str, operation: str) -> list[dict[str, Any]]:
    rows = [i for i in items if isinstance(i, dict)]
    bad = [i for i in rows if not _text(i.get(code_key)) or not _text(i.get(name_key))]
    if len(rows) != len(items) or bad:
        raise BadRecord(_("%(operation)s: an entry without %(code)s or %(name)s")
                        % {"operation": operation, "code": code_key, "name": name_key})
    return rows


@transaction.atomic
def fields_import(*, client: AdapterClient) -> int:
    """LayDanhMucLinhVuc into NationalField (one transaction; existing links kept)."""
    rows = _rows(client.field_list(), "MALINHVUC", "TENLINHVUC", "LayDanhMucLinhVuc")
    now = timezone.now()
    for row in rows:
        NationalField.objects.update_or_create(code=_text(row["MALINHVUC"])[:40], defaults={
            "name": _text(row["TENLINHVUC"])[:300], "sector": _text(row.get("MANGANH"))[:40],
            "imported_at": now})
    return len(rows)


@transaction.atomic
def agencies_import(*, client: AdapterClient) -> int:
    """LayDanhMucCoQuan into NationalAgency, linked to the city's agency of the same code."""
    rows = _rows(client.agency_list(), "MADONVI", "TENDONVI", "LayDanhMucCoQuan")
    now = timezone.now()
    ours = dict(Agency.objects.values_list("code", "pk"))
    for row in rows:
        code = _text(row["MADONVI"])[:40]
        item, created = NationalAgency.objects.get_or_create(code=code, defaults={
            "name": _text(row["TENDONVI"])[:500]})
        item.name, item.level = _text(row["TENDONVI"])[:500], _text(row.get("CAPDONVI"))[:20]
        item.imported_at = now
        if item.agency_id is None:
            item.agency_id = ours.get(code)
        item.save()
    return len(rows)


# -- one procedure -------------------------------------------------------------------------

def _allowed(url: str) -> bool:
    parts = urlsplit(url)
    hosts = {urlsplit(settings.ONESTOP_NATIONAL_URL).hostname, *[
        h.strip() for h in settings.ONESTOP_NATIONAL_TEMPLATE_HOSTS.split(",") if h.strip()]}
    return parts.scheme in {"http", "https"} and parts.hostname in hosts - {None}


def _templates(parsed: Parsed, client: AdapterClient) -> tuple[DraftDocument, ...]:
    """The documents with their blank forms fetched (before any transaction: a slow or
    failing download holds no lock)."""
    out = []
    for doc, template in parsed.documents:
        if template is not None:
            if not _allowed(template.url):
                raise BadRecord(_("the form %(url)s is not on the adapter's host nor in "
                                  "ONESTOP_NATIONAL_TEMPLATE_HOSTS") % {"url": template.url})
            content = client.fetch_file(template.url, max_bytes=MAX_TEMPLATE_BYTES)
            name = get_valid_filename(template.name)[:80] or "mau-don"
            doc = dataclasses.replace(doc, template=(name, content))
        out.append(doc)
    return tuple(out)


def _field(parsed: Parsed) -> Field:
    national, _created = NationalField.objects.get_or_create(
        code=parsed.field_code[:40], defaults={"name": parsed.field_name[:300] or
                                               parsed.field_code})
    if national.field_id is not None:
        return national.field  # type: ignore[return-value]
    field = Field.objects.filter(name__iexact=national.name).first()
    if field is None:
        field, _created = Field.objects.get_or_create(
            code=(slugify(national.code) or "linh-vuc")[:40], defaults={"name": national.name})
    national.field = field
    national.save(update_fields=["field"])
    return field


def _agencies(parsed: Parsed) -> tuple[tuple[Agency, ...], list[str]]:
    linked = dict(NationalAgency.objects.filter(
        code__in=[c for c, _n in parsed.agencies], agency__isnull=False)
        .values_list("code", "agency_id"))
    ours = {a.code: a for a in Agency.objects.filter(code__in=[c for c, _n in parsed.agencies])}
    by_pk = {a.pk: a for a in Agency.objects.filter(pk__in=linked.values())}
    found, notes = [], []
    for code, name in parsed.agencies:
        agency = by_pk.get(linked.get(code, 0)) or ours.get(code)
        if agency is None:
            notes.append(_("The national agency %(code)s (%(name)s) is not an agency of the "
                           "city: link it under national agencies, then refresh.")
                         % {"code": code, "name": name})
        elif agency not in found:
            found.append(agency)
    return tuple(found), notes


def _version_time(parsed: Parsed) -> tuple[Decimal, list[str]]:
    counter = next((c for c in parsed.channels if c.kind == ProcedureChannel.Kind.COUNTER),
                   parsed.channels[0])
    if counter.time_unit == ProcedureChannel.TimeUnit.WORKING_HOURS:
        days = (counter.processing_time / HOURS_PER_WORKING_DAY).quantize(CENT, ROUND_HALF_UP)
        return days, [_("%(hours)s working hours taken as %(days)s working days of 8 hours.")
                      % {"hours": counter.processing_time, "days": days}]
    if counter.time_unit == ProcedureChannel.TimeUnit.DAYS:
        return counter.processing_time, [_("The processing time is in calendar days: check "
                                           "it before publishing.")]
    return counter.processing_time, []


def _draft(parsed: Parsed, documents: tuple[DraftDocument, ...], field: Field,
           agencies: tuple[Agency, ...], days: Decimal) -> Draft:
    counter = next((c for c in parsed.channels if c.kind == ProcedureChannel.Kind.COUNTER),
                   parsed.channels[0])
    return Draft(
        code=parsed.code, name=parsed.name, field=field, processing_days=days,
        result_type="; ".join(parsed.results), online_level=parsed.online_level,
        legal_basis="\n".join(parsed.legal_basis), applicant_steps="\n".join(parsed.steps),
        eligible_applicants=parsed.eligible, conditions=parsed.conditions,
        fee_note="; ".join(f.note for f in counter.fees if f.amount == 0 and f.note),
        agencies=agencies, documents=documents, channels=parsed.channels,
        fees=tuple(f for f in counter.fees if f.amount > 0),
        source={"source": "national_catalog", "digest": parsed.digest()})


def procedure_import(*, code: str, client: AdapterClient, actor: Any = None
                     ) -> dict[str, Any]:
    """Import or refresh one procedure; returns its outcome (never raises for a bad
    answer: the reason is in the outcome)."""
    outcome: dict[str, Any] = {"code": code}
    try:
        answer = client.procedure_detail(code)
        if not answer:
            raise BadRecord(_("not in the national catalog"))
        parsed = parse_procedure(answer[0], code=code)
        digest = parsed.digest()
        held = CatalogSource.objects.filter(procedure__code=code).values_list(
            "digest", flat=True).first()
        if held == digest:
            CatalogSource.objects.filter(procedure__code=code).update(checked_at=timezone.now())
            return {**outcome, "result": "unchanged"}
        documents = _templates(parsed, client)
        with transaction.atomic():
            procedure, _created = Procedure.objects.get_or_create(code=code)
            procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
            source = CatalogSource.objects.filter(procedure=procedure).first()
            if source is not None and source.digest == digest:  # another import was first
                return {**outcome, "result": "unchanged"}
            field = _field(parsed)
            agencies, notes = _agencies(parsed)
            days, time_notes = _version_time(parsed)
            if not parsed.published:
                notes.append(_("The national catalog marks this procedure as not in force."))
            version = procedure_draft_create(
                draft=_draft(parsed, documents, field, agencies, days), actor=actor)
            ProcedureMapping.objects.update_or_create(procedure=procedure, defaults={
                "national_code": code, "field_code": parsed.field_code[:40],
                "field_name": parsed.field_name[:300]})
            CatalogSource.objects.update_or_create(procedure=procedure, defaults={
                "digest": digest, "answer": answer[0], "version": version,
                "imported_at": timezone.now(), "checked_at": timezone.now()})
        return {**outcome, "result": "changed" if source is not None else "created",
                "version": version.number, "version_id": version.pk,
                "notes": time_notes + notes}
    except (NationalError, BadRecord) as exc:
        return {**outcome, "result": "failed", "reason": str(exc)}


def can_import_catalog(user: Any) -> bool:
    """Who imports the city's catalog: superusers and the service centre's admins (the
    catalog is the whole city's; drafts are then reviewed and published in the admin)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or Membership.objects.filter(
        user=user, role="admin", agency__kind=Agency.Kind.SERVICE_CENTRE).exists())


def catalog_import(*, codes: list[str] | None = None, actor: Any = None,
                   client: AdapterClient | None = None) -> CatalogImport:
    """Import the lists, then every procedure of LayDanhSachTTHC (or `codes`); the run and
    each procedure's outcome are kept (CatalogImport)."""
    from .services import default_client

    run = CatalogImport.objects.create(actor=actor if getattr(actor, "pk", None) else None,
                                       codes=",".join(codes or [])[:500])
    counts: dict[str, int] = {}
    outcomes: list[dict[str, Any]] = []
    try:
        client = client or default_client()
        counts["fields"] = fields_import(client=client)
        counts["agencies"] = agencies_import(client=client)
        if not codes:
            listed = client.procedure_list()
            codes = [_text(r.get("MATTHC")) for r in listed if isinstance(r, dict)]
            if len(codes) != len(listed) or not all(codes):
                raise BadRecord(_("LayDanhSachTTHC: an entry without MATTHC"))
        for code in dict.fromkeys(codes):
            result = procedure_import(code=code, client=client, actor=actor)
            outcomes.append(result)
            counts[result["result"]] = counts.get(result["result"], 0) + 1
    except (NationalError, BadRecord) as exc:
        run.error = str(exc)
    run.counts, run.outcomes, run.finished_at = counts, outcomes, timezone.now()
    run.save(update_fields=["counts", "outcomes", "finished_at", "error"])
    return run
