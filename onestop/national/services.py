"""Dossier and progress sync to the national public service portal (docs/national.md).

`record_change` is registered as a dossiers record hook: inside the service's transaction it
writes one outbox row (SyncItem) per recorded change of a dossier that has a code, with the
values of the change. `sync_run` (the worker's periodic job, and on commit of a change)
claims the due rows, at most the oldest unsent one per dossier, so a dossier's changes reach
the portal in the order they were made; each row is sent as

1. TraCuuHoSo (does the portal hold the dossier? sets isUpdating), then DongBoHoSoMC with
   the dossier as it was at the change;
2. CapNhatTienDoHoSoMC with the step (who, when, where, what, the status).

Every call's answer is kept (SyncAnswer). The adapter unreachable (TransportError): retried
with back-off, FAILED after ONESTOP_NATIONAL_MAX_ATTEMPTS; the adapter refusing (AdapterError):
FAILED at once, its answer kept (the same record would be refused again); a procedure or a
status with no mapping: UNMAPPED, with the reason. A failed or unmapped row holds back the
later rows of its dossier (never sent out of order) until an officer resends it.
"""

from __future__ import annotations

import datetime
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from onestop.agencies.models import Agency, Membership
from onestop.core.audit import audit_append
from onestop.core.errors import InvalidTransition, NotAllowed
from onestop.dossiers.hooks import Change
from onestop.dossiers.models import Dossier, DossierDocument

from .client import AdapterClient, NationalError, TransportError, national_date
from .models import ProcedureMapping, StatusMapping, SyncAnswer, SyncItem
from .signin import technical_id_for

logger = logging.getLogger(__name__)
LEASE = datetime.timedelta(minutes=2)
# HinhThuc: 1 when the result goes back by the public postal service, else 0 (as OpenCPS's
# DVCQG integration sends it; docs/national.md).
POSTAL_RESULT = "post"


def _date(value: datetime.datetime | None) -> str:
    return national_date(value)


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(getattr(user, "full_name", "") or getattr(user, "username", "") or user)


def snapshot_of(change: Change) -> dict[str, Any]:
    """The values sent for this change, read now (inside the change's transaction)."""
    d = change.dossier
    step = d.current_step
    return {
        "status": int(d.status), "channel": int(d.channel),
        "result_by_post": d.result_delivery == POSTAL_RESULT,
        "applicant_name": d.applicant_name, "organisation": d.is_organisation,
        # The applicant's national technical id, when their account signed in with the
        # national account (national/signin.py); sent as MaDoiTuong.
        "applicant_technical_id": technical_id_for(user_id=d.applicant_id,
                                                   organisation=d.is_organisation),
        "email": d.applicant_email, "phone": d.applicant_phone, "note": d.note[:500],
        "received_at": _date(d.received_at), "appointment_at": _date(d.appointment_at),
        "returned_at": _date(d.returned_at), "finished_at": _date(d.finished_at),
        "handling_agency": d.handling_agency.name,
        "procedure_id": d.procedure_version.procedure_id,
        "procedure_name": d.procedure_version.name,
        "field_name": d.procedure_version.field.name,
        "actor": _name(change.actor), "at": _date(change.at), "action": change.action,
        "reason": change.reason[:1000],
        "department": (step.agency.name if step else d.handling_agency.name),
        "step_name": step.name if step else "",
        "step_started_at": _date(step.started_at if step else d.received_at),
        "step_due_at": _date(step.due_at if step else d.appointment_at),
    }


def record_change(change: Change) -> None:
    """The dossiers record hook: an outbox row in the change's transaction (sync on only;
    a dossier without a code, an online filing not yet received, is not the portal's yet)."""
    if not settings.ONESTOP_NATIONAL_SYNC or not change.dossier.code:
        return
    SyncItem.objects.create(dossier=change.dossier, action=change.action[:40],
                            snapshot=snapshot_of(change), created_at=change.at,
                            next_attempt_at=change.at)
    transaction.on_commit(_enqueue)


def _enqueue() -> None:
    from .tasks import sync_run_task

    try:
        sync_run_task.enqueue()
    except Exception:  # the periodic job catches up; a change never fails for this
        logger.exception("could not enqueue the national sync")


# -- building the records ------------------------------------------------------------------

class Unmapped(Exception):
    pass


def _lists(dossier: Dossier) -> dict[str, list[dict[str, Any]]]:
    docs = list(dossier.documents.order_by("id").values("id", "kind", "name",
                                                        "required_document_id"))
    submitted = [{"TepDinhKemId": str(d["id"]), "TenTepDinhKem": d["name"],
                  "IsDeleted": "false",
                  "MaThanhPhanHoSo": str(d["required_document_id"] or "")}
                 for d in docs if d["kind"] in (DossierDocument.Kind.SUBMITTED,
                                                DossierDocument.Kind.SUPPLEMENT)]
    results = [{"GiayToId": str(d["id"]), "TenGiayTo": d["name"],
                "MaThanhPhanHoSo": str(d["required_document_id"] or "")}
               for d in docs if d["kind"] == DossierDocument.Kind.RESULT]
    fees = [{"TenPhiLePhi": link.item.name, "MaPhiLePhi": str(link.item.fee_id or ""),
             "Gia": str(link.item.amount), "LoaiPhiLePhi": link.item.source}
            for link in dossier.fee_links.select_related("item").order_by("id")]
    rounds = [{"HoSoBoSungId": str(s.pk), "NguoiYeuCauBoSung": _name(s.requested_by),
               "NoiDungBoSung": s.reason, "DanhSachGiayToBoSung": s.items,
               "NgayBoSung": _date(s.requested_at),
               "NgayTiepNhanBoSung": _date(s.resolved_at),
               "TrangThaiBoSung": "1" if s.resolved_at else "0"}
              for s in dossier.supplements.select_related("requested_by")
              .order_by("requested_at", "id")]
    return {"TaiLieuNop": submitted, "DanhSachGiayToKetQua": results,
            "DanhSachLePhi": fees, "DanhSachHoSoBoSung": rounds}


def records_for(item: SyncItem) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(DongBoHoSoMC record, CapNhatTienDoHoSoMC record); None when the status is mapped to
    no code on purpose; Unmapped when a mapping is missing."""
    s = item.snapshot
    status = StatusMapping.objects.filter(status=s["status"]).first()
    if status is None:
        raise Unmapped(_("Status %(status)s has no national status code (status mappings).")
                       % {"status": s["status"]})
    if not status.national_code:
        return None
    procedure = (ProcedureMapping.objects.select_related("procedure")
                 .filter(procedure_id=s["procedure_id"]).first())
    if procedure is None:
        from onestop.catalog.models import Procedure

        code = Procedure.objects.filter(pk=s["procedure_id"]).values_list("code", flat=True)
        raise Unmapped(_("Procedure %(code)s has no national procedure code (procedure "
                         "mappings).") % {"code": code.first() or s["procedure_id"]})
    dossier = item.dossier
    record = {
        "MaHoSo": dossier.code, "MaTTHC": procedure.national_code,
        "TenTTHC": procedure.national_name or s["procedure_name"],
        "MaLinhVuc": procedure.field_code, "TenLinhVuc": procedure.field_name or s["field_name"],
        "ChuHoSo": s["applicant_name"], "LoaiDoiTuong": "2" if s["organisation"] else "1",
        "MaDoiTuong": s.get("applicant_technical_id", ""),
        "Email": s["email"], "SoDienThoai": s["phone"],
        "TrichYeuHoSo": f"{s['procedure_name']} - {s['applicant_name']}"[:500],
        "NgayTiepNhan": s["received_at"], "NgayHenTra": s["appointment_at"],
        "NgayTra": s["returned_at"], "NgayKetThucXuLy": s["finished_at"],
        "TrangThaiHoSo": status.national_code,
        "HinhThuc": "1" if s.get("result_by_post") else "0", "DonViXuLy": s["handling_agency"],
        **_lists(dossier),
    }
    step = {
        "MaHoSo": dossier.code, "NguoiXuLy": s["actor"] or _("System"), "ChucDanh": "",
        "ThoiDiemXuLy": s["at"], "PhongBanXuLy": s["department"],
        "NoiDungXuLy": " - ".join(p for p in (s["step_name"] or s["action"], s["reason"]) if p),
        "TrangThai": status.national_code,
        "NgayBatDau": s["step_started_at"] or s["at"],
        "NgayKetThucTheoQuyDinh": s["step_due_at"],
    }
    return record, step


# -- sending -------------------------------------------------------------------------------

def backoff(attempts: int) -> datetime.timedelta:
    base = settings.ONESTOP_NATIONAL_RETRY_BASE
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0),
                                          settings.ONESTOP_NATIONAL_RETRY_MAX))


def _claim(*, now: datetime.datetime, limit: int) -> list[int]:
    """Due rows whose dossier has no earlier unsent row (one per dossier, oldest first),
    claimed with a conditional UPDATE so two workers never send one row."""
    earlier = SyncItem.objects.filter(dossier_id=OuterRef("dossier_id"), id__lt=OuterRef("id")
                                      ).exclude(state__in=[SyncItem.State.SENT,
                                                           SyncItem.State.SKIPPED])
    candidates = list(SyncItem.objects.filter(state=SyncItem.State.PENDING,
                                              next_attempt_at__lte=now)
                      .filter(~Exists(earlier)).order_by("id")
                      .values_list("id", flat=True)[:limit])
    claimed = []
    for pk in candidates:
        if SyncItem.objects.filter(pk=pk, state=SyncItem.State.PENDING,
                                   next_attempt_at__lte=now).update(
                next_attempt_at=now + LEASE, attempts=F("attempts") + 1):
            claimed.append(pk)
    return claimed


def _keep(item: SyncItem, operation: str, request: dict[str, Any], *, answer: Any = None,
          ok: bool, error: str = "") -> None:
    SyncAnswer.objects.create(item=item, operation=operation, request=request,
                              answer=answer if isinstance(answer, dict | list) else
                              (None if answer is None else {"text": str(answer)[:2000]}),
                              ok=ok, error=error[:2000])


def _finish(item: SyncItem, state: str, *, error: str = "", now: datetime.datetime,
            retry_at: datetime.datetime | None = None) -> str:
    SyncItem.objects.filter(pk=item.pk).update(
        state=state, last_error=error[:4000], dossier_sent=item.dossier_sent,
        sent_at=now if state == SyncItem.State.SENT else None,
        next_attempt_at=retry_at or now)
    return state


def sync_attempt(*, item_id: int, client: AdapterClient) -> str:
    """Send one claimed row; returns its new state. Never marks a row sent unless the
    adapter answered error_code 0 to every call of it."""
    item = SyncItem.objects.select_related("dossier").get(pk=item_id)
    now = timezone.now()
    try:
        records = records_for(item)
    except Unmapped as exc:
        return _finish(item, SyncItem.State.UNMAPPED, error=str(exc), now=now)
    if records is None:
        return _finish(item, SyncItem.State.SKIPPED, now=now, error=_(
            "Status %(status)s is mapped to no national code: not sent.")
            % {"status": item.snapshot["status"]})
    record, step = records
    operation, request = "TraCuuHoSo", {"MaHoSo": record["MaHoSo"]}
    try:
        if not item.dossier_sent:
            exists = client.dossier_exists(record["MaHoSo"])
            _keep(item, operation, request, answer={"exists": exists}, ok=True)
            operation = "DongBoHoSoMC"
            request = {"isUpdating": "true" if exists else "false", "data": [record]}
            answer = client.dossier_sync(record, is_updating=exists)
            _keep(item, operation, request, answer=answer.raw, ok=True)
            item.dossier_sent = True
            SyncItem.objects.filter(pk=item.pk).update(dossier_sent=True)
        operation, request = "CapNhatTienDoHoSoMC", {"data": [step]}
        answer = client.progress_sync(step)
        _keep(item, operation, request, answer=answer.raw, ok=True)
    except TransportError as exc:
        _keep(item, operation, request, answer=exc.answer, ok=False, error=str(exc))
        failed = item.attempts >= settings.ONESTOP_NATIONAL_MAX_ATTEMPTS
        logger.info("national sync %s (%s) not reached, attempt %s: %s", item.pk, operation,
                    item.attempts, exc)
        return _finish(item, SyncItem.State.FAILED if failed else SyncItem.State.PENDING,
                       error=f"{operation}: {exc}", now=now,
                       retry_at=timezone.now() + backoff(item.attempts))
    except NationalError as exc:  # AdapterError, NotConfigured: the answer is the reason
        _keep(item, operation, request, answer=exc.answer, ok=False, error=str(exc))
        return _finish(item, SyncItem.State.FAILED, error=f"{operation}: {exc}", now=now)
    return _finish(item, SyncItem.State.SENT, now=now)


_CLIENT: AdapterClient | None = None


def default_client() -> AdapterClient:
    """One client (one session) per worker process, rebuilt when the settings change."""
    global _CLIENT
    from .client import Config

    config = Config.from_settings()
    if _CLIENT is None or _CLIENT.config != config:
        _CLIENT = AdapterClient(config)
    return _CLIENT


def sync_run(*, client: AdapterClient | None = None, now: datetime.datetime | None = None,
             limit: int = 200) -> dict[str, int]:
    """Send what is due, round after round (the next row of a dossier becomes due when the
    one before it is sent); returns counts by the state rows ended in."""
    if not settings.ONESTOP_NATIONAL_SYNC:
        return {}
    client = client or default_client()
    counts: dict[str, int] = {}
    while True:
        claimed = _claim(now=now or timezone.now(), limit=limit)
        moved = False
        for pk in claimed:
            state = sync_attempt(item_id=pk, client=client)
            counts[state] = counts.get(state, 0) + 1
            moved = moved or state in (SyncItem.State.SENT, SyncItem.State.SKIPPED)
        if not moved:  # nothing claimed, or nothing went through (the adapter is down)
            return counts


# -- officers ------------------------------------------------------------------------------

RESENDABLE = (SyncItem.State.FAILED, SyncItem.State.UNMAPPED)


def can_manage_sync(user: Any) -> bool:
    """The service centre's staff (officers, leaders, admins) look after what the city
    reports to the portal."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or Membership.objects.filter(
        user=user, agency__kind=Agency.Kind.SERVICE_CENTRE,
        role__in=("officer", "leader", "admin")).exists())


@transaction.atomic
def sync_resend(*, item_id: int, actor: Any, at: datetime.datetime | None = None) -> SyncItem:
    """Put a failed or unmapped row back in the queue (after fixing a mapping, or when the
    portal's refusal was resolved), audited."""
    at = at or timezone.now()
    if not can_manage_sync(actor):
        raise NotAllowed(_("Only the service centre's staff may resend to the national "
                           "portal."))
    item = SyncItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None or item.state not in RESENDABLE:
        raise InvalidTransition(_("Only a failed or unmapped sync can be sent again."))
    from_state = item.state
    item.state, item.attempts, item.next_attempt_at = SyncItem.State.PENDING, 0, at
    item.save(update_fields=["state", "attempts", "next_attempt_at"])
    audit_append(actor=actor, action="national.resend", object_type="dossier",
                 object_id=item.dossier_id, from_state=from_state, to_state=item.state,
                 reason="", data={"item": item.pk}, at=at)
    transaction.on_commit(partial(_enqueue))
    return item
