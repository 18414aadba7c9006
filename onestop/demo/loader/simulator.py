"""The dossiers of the last 90 days, simulated together in time order through the dossier
services (see the package docstring)."""

from __future__ import annotations

import datetime
import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils import timezone

from onestop.accounts.models import User
from onestop.agencies.models import Agency
from onestop.catalog.models import (
    ProcedureVersion,
)
from onestop.core.calendars import calendar_for
from onestop.core.workcalendar import WorkCalendar
from onestop.dossiers import services as svc
from onestop.dossiers.models import Dossier, Status

from .. import catalog as data
from ..files import demo_file
from ..people import make_person
from .world import World

WINDOW_DAYS = 90
HOUR = 3600

TARGET_WEIGHTS = {
    Status.RETURNED: 40, Status.RESULT_READY: 8, Status.IN_PROCESS: 14, Status.RECEIVED: 4,
    Status.SUBMITTED: 5, Status.SUPPLEMENT: 6, Status.AWAITING_PAYMENT: 3, Status.REFUSED: 4,
    Status.WITHDRAWN: 4, Status.STOPPED: 3,
}
IN_FLIGHT = (Status.SUBMITTED, Status.RECEIVED, Status.IN_PROCESS, Status.SUPPLEMENT,
             Status.AWAITING_PAYMENT)
NEEDS_ONLINE = (Status.SUBMITTED, Status.REFUSED)
COMMUNE_WEIGHTS = {"ninhkieu": 30, "caikhe": 25, "cairang": 20, "binhthuy": 15, "phongdien": 10}

REFUSE_REASONS = (
    "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan; đề nghị nộp tại cơ quan có thẩm quyền.",
    "Thành phần hồ sơ tải lên không đọc được; đề nghị nộp lại hồ sơ.",
)
SUPPLEMENT_REASONS = (
    ("Bản sao giấy tờ tùy thân không rõ nét.", "Bản sao giấy tờ tùy thân"),
    ("Tờ khai còn thiếu chữ ký của người yêu cầu.", "Tờ khai có chữ ký"),
    ("Thông tin trên tờ khai không khớp với giấy tờ kèm theo.", "Tờ khai đã sửa"),
)
STOP_REASONS = (
    "Người yêu cầu không đáp ứng điều kiện theo quy định.",
    "Có tranh chấp liên quan, cơ quan có thẩm quyền đang giải quyết.",
)
WITHDRAW_REASONS = (
    "Người yêu cầu xin rút hồ sơ để bổ sung sau.",
    "Người yêu cầu không còn nhu cầu giải quyết.",
)
APOLOGY_REASON = "Hồ sơ cần xác minh thêm với cơ quan liên quan nên chưa kịp trả kết quả."


@dataclass
class Plan:
    index: int
    spec: data.ProcedureSpec
    version: ProcedureVersion
    receiving: Agency
    handling: Agency
    cal: WorkCalendar
    online: bool
    account: User | None
    applicant: svc.Applicant
    target: Status
    start: datetime.datetime
    supplements: int = 0
    late: bool = False
    apology: bool = False
    stage: str = ""  # where a withdrawn/stopped/in-process life ends


class Simulator:
    def __init__(self, world: World, *, rng: random.Random, now: datetime.datetime) -> None:
        self.world = world
        self.rng = rng
        self.now = now

    # ---- time helpers: every action lands inside office hours, after the previous one

    def later(self, cal: WorkCalendar, t: datetime.datetime, lo: float,
              hi: float) -> datetime.datetime:
        """A working moment `lo`..`hi` working seconds after t (whole minutes, ≥ 1 minute)."""
        seconds = max(60, int(self.rng.uniform(lo, hi)) // 60 * 60)
        moment = cal.add_seconds(t, seconds)
        return moment if cal.is_open(moment) else cal.next_opening(moment)

    def days_later(self, cal: WorkCalendar, t: datetime.datetime, lo: int,
                   hi: int) -> datetime.datetime:
        """A working moment some calendar days later (the applicant comes back)."""
        moment = t + datetime.timedelta(days=self.rng.randint(lo, hi),
                                        minutes=self.rng.randint(0, 240))
        return self.later(cal, cal.next_opening(moment), 60, 2 * HOUR)

    def before_now(self, cal: WorkCalendar, working_seconds: int) -> datetime.datetime:
        """A working moment that leaves about `working_seconds` of working time until now."""
        t = self.now - datetime.timedelta(seconds=working_seconds)
        while cal.working_seconds_between(t, self.now) < working_seconds:
            t -= datetime.timedelta(hours=6)
        return cal.next_opening(t.replace(second=0, microsecond=0))

    # ---- planning

    def plan(self, index: int, target: Status, *, forced: bool) -> Plan:
        rng, w = self.rng, self.world
        # The demo citizen's own returned dossier (a signed result to download): the first
        # returned one is filed online from the `congdan` account.
        citizens_result = forced and target == Status.RETURNED
        choices = [(s, v) for s, v in w.versions.values()
                   if not ((target in NEEDS_ONLINE or citizens_result) and s.online == "none")
                   and not (forced and Decimal(s.days) > 3)]
        spec, version = rng.choices(choices, weights=[s.weight for s, _v in choices])[0]
        if spec.handler == "commune":
            slug = rng.choices(list(COMMUNE_WEIGHTS), weights=list(COMMUNE_WEIGHTS.values()))[0]
            receiving, handling = w.counters[slug], w.committees[slug]
            commune = next(c for c in data.COMMUNES if c.slug == slug)
        else:
            receiving, handling = w.centre, w.departments[spec.handler]
            commune = rng.choice(data.COMMUNES)
        unit = w.units[commune.unit_code]
        online = spec.online != "none" and (target in NEEDS_ONLINE or citizens_result
                                            or rng.random() < 0.6)
        account = w.citizen if online and (citizens_result or rng.random() < 0.08) else None
        if account is not None:
            applicant = svc.Applicant(name=account.full_name, id_number=account.cccd,
                                      phone=account.phone, account=account,
                                      address=f"{commune.street}, {unit.name}, Thành phố Cần Thơ")
        elif spec.handler != "commune" and rng.random() < 0.12:
            # A business files through its representative or an authorised person.
            name, tax_code, representative, filer = rng.choice(data.BUSINESSES)
            p = make_person(rng, index + 1, street=commune.street, unit_name=unit.name,
                            city="Thành phố Cần Thơ")
            applicant = svc.Applicant(
                name=name, kind="organisation", tax_code=tax_code,
                representative=representative, filer_name=filer or representative,
                authorisation=(f"Giấy ủy quyền số {index + 1:02d}/2026/UQ" if filer else ""),
                phone=p.phone, email=p.email, address=p.address.split(", ", 1)[1],
                unit_code=commune.unit_code)
        else:
            p = make_person(rng, index + 1, street=commune.street, unit_name=unit.name,
                            city="Thành phố Cần Thơ")
            applicant = svc.Applicant(name=p.name, id_number=p.cccd, phone=p.phone,
                                      email=p.email, address=p.address,
                                      unit_code=commune.unit_code)
        cal = calendar_for(receiving)
        day = cal.day_seconds
        stage = "review"
        legal = cal.days_to_seconds(spec.days)
        if forced:
            # Guaranteed to reach its target before now: short procedures, fitting starts.
            start = (self.before_now(cal, 2 * day) if target in IN_FLIGHT
                     else self.before_now(cal, 15 * day))
        elif target == Status.IN_PROCESS and rng.random() < 0.5:
            # Waiting for the leader's signature: received most of the legal time ago.
            stage = "approve"
            start = self.before_now(cal, rng.randint(legal * 7 // 10, legal) + HOUR)
        elif target in IN_FLIGHT:
            if rng.random() < 0.2:  # stuck for a while: overdue by now
                start = self.before_now(cal, legal + rng.randint(1, 8) * day)
            else:
                start = self.before_now(cal, rng.randint(HOUR, max(2 * HOUR, legal * 4 // 5)))
        else:
            span = WINDOW_DAYS * 86400
            moment = self.now - datetime.timedelta(seconds=rng.randint(3 * 86400, span))
            start = self.later(cal, cal.next_opening(moment), 60, 3 * HOUR)
        plan = Plan(index=index, spec=spec, version=version, receiving=receiving,
                    handling=handling, cal=cal, online=online, account=account,
                    applicant=applicant, target=target, start=start)
        if target == Status.SUPPLEMENT:
            plan.supplements = 1
        elif target not in (Status.SUBMITTED, Status.REFUSED, Status.RECEIVED) and not forced:
            r = rng.random()
            plan.supplements = 2 if r < 0.03 else 1 if r < 0.18 else 0
        if target in (Status.RETURNED, Status.RESULT_READY, Status.IN_PROCESS) and not forced:
            plan.late = rng.random() < 0.15
            plan.apology = plan.late and rng.random() < 0.5
        if target == Status.WITHDRAWN:
            stages = ["review"] + (["submitted"] if online else []) + (
                ["supplement"] if plan.supplements else [])
            plan.stage = rng.choice(stages)
        elif target == Status.IN_PROCESS:
            plan.stage = stage
        return plan

    def plans(self, size: int) -> list[Plan]:
        plans: list[Plan] = []
        # First one of each status, so even a tiny demo shows every status 1–10.
        for i, status in enumerate(Status):
            plans.append(self.plan(i, status, forced=True))
        targets = list(TARGET_WEIGHTS)
        weights = list(TARGET_WEIGHTS.values())
        for i in range(len(plans), size):
            plans.append(self.plan(i, self.rng.choices(targets, weights=weights)[0],
                                   forced=False))
        return plans

    # ---- a dossier's life

    def documents(self, version: ProcedureVersion) -> list[svc.SubmittedDocument]:
        # Each with a generated scan (demo data) an officer can open; paper originals too,
        # as the counter digitises what it receives.
        return [svc.SubmittedDocument(required_document_id=d.id, originals=d.originals,
                                      copies=d.copies,
                                      file=demo_file(d.name, version.name))
                for d in version.documents.all() if not d.optional or self.rng.random() < 0.3]

    def with_electronic_form(self, filing: svc.Filing, p: Plan,
                             t: datetime.datetime) -> svc.Filing:
        """An online filing of a procedure with an electronic form fills the form in (demo
        data) instead of uploading a scan of the declaration. Decided without the random
        generator, so every other demo choice stays as it was."""
        a = p.applicant
        if (p.spec.code not in data.ELECTRONIC_FORMS or a.kind != "individual"
                or not a.id_number):
            return filing
        by_form = {d.pk for d in p.version.documents.all() if d.electronic_form}
        return replace(filing, documents=[d for d in filing.documents
                                          if d.required_document_id not in by_form],
                       declaration=data.demo_declaration(
                           name=a.name, id_number=a.id_number, address=a.address,
                           day=timezone.localtime(t).date()))

    def life(self, p: Plan) -> Iterator[datetime.datetime]:
        rng, w, cal = self.rng, self.world, p.cal
        officer = rng.choice(w.staff(p.receiving, "officer"))
        specialist = rng.choice(w.staff(p.handling, "specialist"))
        leader = rng.choice(w.staff(p.handling, "leader"))
        filing = svc.Filing(procedure_version=p.version, receiving_agency=p.receiving,
                            applicant=p.applicant, documents=self.documents(p.version),
                            handling_agency=p.handling)
        t = p.start
        yield t
        if p.online:
            filing = self.with_electronic_form(filing, p, t)
        if p.online:
            dossier = svc.dossier_submit_online(filing=filing, at=t)
            if p.target == Status.SUBMITTED:
                return
            if p.target == Status.WITHDRAWN and p.stage == "submitted":
                t = self.days_later(cal, t, 0, 2)
                yield t
                svc.dossier_withdraw(dossier_id=dossier.pk, actor=p.account or officer,
                                     reason=rng.choice(WITHDRAW_REASONS), at=t)
                return
            t = self.later(cal, t, 10 * 60, 6 * HOUR)
            yield t
            if p.target == Status.REFUSED:
                svc.dossier_refuse(dossier_id=dossier.pk, officer=officer,
                                   reason=rng.choice(REFUSE_REASONS), at=t)
                return
            svc.dossier_receive(dossier_id=dossier.pk, officer=officer, at=t)
        else:
            dossier = svc.dossier_intake_at_counter(officer=officer, filing=filing, at=t)
        pk = dossier.pk
        if p.target == Status.RECEIVED:
            return
        receive_secs = cal.days_to_seconds(p.spec.steps[0])
        review_secs = cal.days_to_seconds(p.spec.steps[1])
        approve_secs = cal.days_to_seconds(p.spec.steps[2])
        t = self.later(cal, t, 5 * 60, receive_secs * 0.9)
        yield t
        svc.dossier_hand_over(dossier_id=pk, actor=officer, at=t, note="Chuyển xử lý")
        for n in range(p.supplements):
            t = self.later(cal, t, 30 * 60, max(HOUR, review_secs * 0.4))
            yield t
            reason, items = rng.choice(SUPPLEMENT_REASONS)
            # The document asked for again: the first of the procedure (the form or the ID).
            asked = p.version.documents.order_by("order").values_list("pk", flat=True)[:1]
            svc.dossier_request_supplement(dossier_id=pk, actor=specialist, reason=reason,
                                           items=items, document_ids=list(asked), at=t)
            if p.target == Status.SUPPLEMENT and n == p.supplements - 1:
                return
            if p.target == Status.WITHDRAWN and p.stage == "supplement":
                t = self.days_later(cal, t, 3, 10)
                yield t
                svc.dossier_withdraw(dossier_id=pk, actor=p.account or officer,
                                     reason=rng.choice(WITHDRAW_REASONS), at=t)
                return
            t = self.days_later(cal, t, 1, 6)
            yield t
            first = p.version.documents.all()[0]
            svc.dossier_supplement_received(
                dossier_id=pk, actor=officer, at=t, note="Đã nhận giấy tờ bổ sung",
                documents=[svc.SubmittedDocument(required_document_id=first.id,
                                                 name=items, originals=1,
                                                 file=demo_file(items, p.version.name))])
        if p.target in (Status.WITHDRAWN, Status.STOPPED, Status.AWAITING_PAYMENT):
            t = self.later(cal, t, HOUR, max(2 * HOUR, review_secs * 0.5))
            yield t
            if p.target == Status.WITHDRAWN:
                svc.dossier_withdraw(dossier_id=pk, actor=p.account or officer,
                                     reason=rng.choice(WITHDRAW_REASONS), at=t)
            elif p.target == Status.STOPPED:
                svc.dossier_stop(dossier_id=pk, actor=leader, reason=rng.choice(STOP_REASONS),
                                 at=t)
            else:
                amount = sum(f.amount for f in p.version.fees.all()) or 50000
                svc.dossier_request_payment(
                    dossier_id=pk, actor=specialist, amount=amount, at=t,
                    reason="Nộp phí, lệ phí trước khi trả kết quả")
            return
        if p.target == Status.IN_PROCESS and p.stage == "review":
            return
        if p.apology:
            # The worker drafts the letter two working days before the legal due moment
            # (ONESTOP_APOLOGY_LEAD_DAYS); most leaders sign it within hours, in time to send
            # it a working day before; one in four signs too late (the letter is marked so).
            due = Dossier.objects.values_list("legal_due_at", flat=True).get(pk=pk)
            assert due is not None  # set at receipt, above
            lead = 2 * cal.day_seconds
            left = cal.working_seconds_between(t, due)
            t = (cal.add_seconds(t, left - lead) if left > lead
                 else self.later(cal, t, 60, 30 * 60))
            t = t if cal.is_open(t) else cal.next_opening(t)
            yield t
            letter = svc.apology_prepare(dossier_id=pk, at=t, reason=APOLOGY_REASON)
            if letter is not None:
                # In time means before the letter's send-by moment (a working day before due).
                room = cal.working_seconds_between(t, letter.send_by or t) - 10 * 60
                t = (self.later(cal, t, min(20 * 60, room), min(3 * HOUR, room))
                     if rng.random() < 0.75 and room > 60
                     else self.later(cal, t, int(1.2 * cal.day_seconds), 2 * cal.day_seconds))
                yield t
                # A leader signing late picks a new appointment still ahead of them: the
                # service refuses one already past (as it would refuse the leader).
                ahead = cal.add_seconds(t, cal.days_to_seconds(1))
                svc.apology_sign(letter_id=letter.pk, leader=leader, at=t,
                                 new_appointment=max(letter.proposed_appointment_at, ahead))
        factor = rng.uniform(1.15, 1.8) if p.late and not p.apology else rng.uniform(0.15, 0.9)
        t = self.later(cal, t, review_secs * factor * 0.9, review_secs * factor)
        yield t
        if p.index % 2 == 0:
            # Half the specialists attach the result they drafted (demo data), which the
            # leader then signs; for the others the result is rendered at approval.
            name = p.version.result_type or "Kết quả"
            svc.dossier_draft_result(dossier_id=pk, actor=specialist, at=t,
                                     file=demo_file(f"Dự thảo: {name}", p.version.name))
        svc.dossier_hand_over(dossier_id=pk, actor=specialist, at=t,
                              note="Đủ điều kiện, trình lãnh đạo phê duyệt")
        if p.target == Status.IN_PROCESS:
            return
        t = self.later(cal, t, 10 * 60, approve_secs)
        yield t
        svc.dossier_approve(dossier_id=pk, actor=leader, at=t, note="Đồng ý")
        if p.target == Status.RESULT_READY:
            return
        t = self.later(cal, t, 20 * 60, 2 * cal.day_seconds)
        yield t
        owed = svc.outstanding(dossier_id=pk)
        if owed:
            # The fee is paid in cash at the counter when the result is collected: the receipt
            # is issued (and signed by the collecting unit, demo_load) as in production.
            svc.payment_record_cash(dossier_id=pk, officer=officer, amount=owed, at=t)
        svc.dossier_return_result(dossier_id=pk, officer=officer, at=t)

    def run(self, plans: list[Plan]) -> None:
        """Resume the lives in time order; a life stops where its next moment is after now."""
        heap: list[tuple[datetime.datetime, int, Iterator[datetime.datetime]]] = []
        for p in plans:
            life = self.life(p)
            start = next(life)
            if start <= self.now:
                heap.append((start, p.index, life))
        heapq.heapify(heap)
        while heap:
            _at, index, life = heapq.heappop(heap)
            try:
                following = next(life)  # performs the action due at `_at`
            except StopIteration:
                continue
            if following <= self.now:
                heapq.heappush(heap, (following, index, life))
