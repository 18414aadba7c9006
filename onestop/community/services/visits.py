"""Household visits: record (idempotent on the phone's client_id), correct within the
window, close a follow-up."""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import audit_append
from onestop.core.clock import now_or
from onestop.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed

from ..models import (
    HelpKind,
    MemberRole,
    TeamMember,
    Visit,
    VisitCorrection,
)

# A phone's clock may run a little ahead of the server's: a visit this far in the "future"
# is still accepted as now.
CLOCK_SKEW = datetime.timedelta(minutes=5)


class VisitConflict(Conflict):
    default_message = _(
        "A different visit was already sent with this id. Check the visit on the phone and "
        "send it again with a new id, or correct the stored one."
    )


@dataclass(frozen=True)
class VisitPayload:
    """A visit as the phone sends it (the API's body, parsed)."""

    client_id: uuid.UUID
    visited_at: datetime.datetime
    commune_code: str
    hamlet: str
    household: str
    helped: list[str] = field(default_factory=list)
    consent: bool = False
    dossier_code: str = ""
    note: str = ""
    follow_up: str = ""

    def canonical(self) -> dict[str, Any]:
        """The body in one form, so that a resend hashes the same whatever its key order."""
        visited = self.visited_at
        if timezone.is_naive(visited):
            visited = timezone.make_aware(visited)
        return {
            "client_id": str(self.client_id),
            "visited_at": visited.astimezone(datetime.UTC).isoformat(),
            "commune_code": self.commune_code.strip(),
            "hamlet": normalize_whitespace(self.hamlet),
            "household": normalize_whitespace(self.household),
            "helped": sorted(set(self.helped)),
            "consent": bool(self.consent),
            "dossier_code": self.dossier_code.strip(),
            "note": self.note.strip(),
            # Only when given: visits sent before follow-ups existed keep their hash.
            **({"follow_up": self.follow_up.strip()} if self.follow_up.strip() else {}),
        }

    def body_hash(self) -> str:
        text = json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False,
                          separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class VisitResult:
    visit: Visit
    created: bool


def normalize_whitespace(text: str) -> str:
    return " ".join(text.split())


def household_key(hamlet: str, household: str) -> str:
    return f"{normalize_whitespace(hamlet).casefold()}|{normalize_whitespace(household).casefold()}"



# --------------------------------------------------------------------------- visits


def _member_for(*, user: Any, commune_code: str) -> TeamMember:
    member = (TeamMember.objects.select_related("team", "team__commune")
              .filter(user=user, is_active=True, team__commune_id=commune_code)
              .order_by("pk").first())
    if member is None:
        raise NotAllowed(_("You may only log visits in the commune of your team."))
    return member


def _check(payload: VisitPayload, *, now: datetime.datetime) -> tuple[Any, datetime.datetime]:
    """The rules of a visit's content; the dossier it links to, and its aware moment."""
    if payload.consent is not True:
        raise ValidationFailed(_("The household's consent is needed to record the visit."))
    unknown = sorted(set(payload.helped) - set(HelpKind.values))
    if unknown:
        raise ValidationFailed(_("Unknown kind of help: %(codes)s."), codes=", ".join(unknown))
    if not payload.helped:
        raise ValidationFailed(_("Say what the household was helped with."))
    if not normalize_whitespace(payload.hamlet) or not normalize_whitespace(payload.household):
        raise ValidationFailed(
            _("Give the hamlet and the household (address or household book number)."))
    visited = payload.visited_at
    if timezone.is_naive(visited):
        visited = timezone.make_aware(visited)
    if visited > now + CLOCK_SKEW:
        raise ValidationFailed(_("The visit cannot be in the future."))
    dossier = None
    code = payload.dossier_code.strip()
    if code:
        from onestop.dossiers.models import Dossier

        dossier = Dossier.objects.filter(code=code).first()
        if dossier is None:
            raise ValidationFailed(_("No dossier has the code %(code)s."), code=code)
    return dossier, visited


def _answer_existing(existing: Visit, digest: str, *, user: Any) -> VisitResult:
    if existing.body_hash != digest or existing.member.user_id != user.pk:
        raise VisitConflict()
    return VisitResult(visit=existing, created=False)


def visit_record(*, member: Any, payload: VisitPayload, at: datetime.datetime | None = None,
                 is_demo: bool = False) -> VisitResult:
    """Store a visit sent by a team member (`member` is the signed-in user).

    First send: created. Same client_id and same body: the stored visit, nothing written.
    Same client_id and a different body: VisitConflict. A commune outside the member's team:
    NotAllowed. Bad content: ValidationFailed with the reason.
    """
    now = now_or(at)
    digest = payload.body_hash()
    existing = (Visit.objects.select_related("member", "commune", "dossier", "team")
                .filter(client_id=payload.client_id).first())
    if existing is not None:
        return _answer_existing(existing, digest, user=member)
    team_member = _member_for(user=member, commune_code=payload.commune_code.strip())
    dossier, visited = _check(payload, now=now)
    body = payload.canonical()
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                client_id=payload.client_id, team=team_member.team, member=team_member,
                commune=team_member.team.commune, hamlet=body["hamlet"],
                household=body["household"],
                household_key=household_key(body["hamlet"], body["household"]),
                visited_at=visited, helped=body["helped"], dossier=dossier, consent=True,
                note=body["note"], follow_up=body.get("follow_up", ""), body_hash=digest,
                is_demo=is_demo)
            audit_append(actor=member, action="community.visit_record",
                         object_type="community_visit", object_id=str(visit.client_id),
                         data={"commune": visit.commune_id, "helped": visit.helped}, at=now)
    except IntegrityError:
        # The same client_id was stored by a concurrent send a moment ago: answer as a resend.
        existing = (Visit.objects.select_related("member", "commune", "dossier", "team")
                    .filter(client_id=payload.client_id).first())
        if existing is None:
            raise
        return _answer_existing(existing, digest, user=member)
    return VisitResult(visit=visit, created=True)


@transaction.atomic
def visit_follow_up_close(*, actor: Any, client_id: uuid.UUID,
                          at: datetime.datetime | None = None) -> Visit:
    """A member of the visit's team marks its follow-up done."""
    now = now_or(at)
    visit = (Visit.objects.select_for_update(of=("self",)).select_related("team")
             .filter(client_id=client_id).first())
    if visit is None:
        raise NotFound()
    if not TeamMember.objects.filter(team=visit.team, user=actor, is_active=True).exists():
        raise NotAllowed(_("Only a member of the visit's team closes its follow-up."))
    if not visit.follow_up:
        raise ValidationFailed(_("This visit has no follow-up to close."))
    if visit.follow_up_closed_at is not None:
        raise Conflict(_("The follow-up was already closed."))
    visit.follow_up_closed_at, visit.follow_up_closed_by = now, actor
    visit.save(update_fields=["follow_up_closed_at", "follow_up_closed_by", "updated_at"])
    audit_append(actor=actor, action="community.follow_up_close",
                 object_type="community_visit", object_id=str(visit.client_id),
                 data={"follow_up": visit.follow_up}, at=now)
    return visit


CORRECTABLE = ("hamlet", "household", "visited_at", "helped", "dossier_code", "note",
               "follow_up")


def _snapshot(visit: Visit) -> dict[str, Any]:
    return {"hamlet": visit.hamlet, "household": visit.household,
            "visited_at": visit.visited_at.isoformat(), "helped": list(visit.helped),
            "dossier_code": visit.dossier.code if visit.dossier else "", "note": visit.note,
            "follow_up": visit.follow_up}


@transaction.atomic
def visit_correct(*, actor: Any, client_id: uuid.UUID, changes: dict[str, Any],
                  reason: str = "", at: datetime.datetime | None = None) -> Visit:
    """Correct a stored visit: its author within the correction window
    (ONESTOP_COMMUNITY_CORRECTION_HOURS after it was stored), afterwards only the leader of
    its team. The fields before and after are kept in the visit's history."""
    now = now_or(at)
    visit = (Visit.objects.select_for_update(of=("self",))
             .select_related("member", "team", "commune", "dossier")
             .filter(client_id=client_id).first())
    if visit is None:
        raise NotFound()
    window = datetime.timedelta(hours=settings.ONESTOP_COMMUNITY_CORRECTION_HOURS)
    is_author = visit.member.user_id == actor.pk
    is_leader = TeamMember.objects.filter(team=visit.team, user=actor, is_active=True,
                                          role=MemberRole.LEADER).exists()
    if not (is_leader or (is_author and now - visit.created_at <= window)):
        raise NotAllowed(_("After a day only the team leader may correct a visit."))
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValidationFailed(_("These fields cannot be corrected: %(fields)s."),
                               fields=", ".join(sorted(unknown)))
    before = _snapshot(visit)
    merged = {**before, **changes}
    visited_at = merged["visited_at"]
    if isinstance(visited_at, str):
        visited_at = datetime.datetime.fromisoformat(visited_at)
    payload = VisitPayload(
        client_id=visit.client_id, visited_at=visited_at, commune_code=visit.commune_id,
        hamlet=merged["hamlet"], household=merged["household"], helped=list(merged["helped"]),
        consent=True, dossier_code=merged["dossier_code"] or "", note=merged["note"] or "",
        follow_up=merged["follow_up"] or "")
    dossier, visited = _check(payload, now=now)
    body = payload.canonical()
    visit.hamlet, visit.household = body["hamlet"], body["household"]
    visit.household_key = household_key(body["hamlet"], body["household"])
    visit.visited_at, visit.helped, visit.dossier = visited, body["helped"], dossier
    visit.note = body["note"]
    visit.follow_up = body.get("follow_up", "")
    visit.version += 1
    visit.save(update_fields=["hamlet", "household", "household_key", "visited_at", "helped",
                              "dossier", "note", "follow_up", "version", "updated_at"])
    after = _snapshot(visit)
    VisitCorrection.objects.create(visit=visit, actor=actor, at=now, before=before, after=after,
                                   reason=reason.strip()[:500])
    audit_append(actor=actor, action="community.visit_correct", object_type="community_visit",
                 object_id=str(visit.client_id), reason=reason.strip()[:500],
                 data={"before": before, "after": after}, at=now)
    return visit
