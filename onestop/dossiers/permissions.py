"""Who may make which move on a dossier: the permissions table beside the transitions table.

onestop.dossiers.transitions says which moves a status allows; this says which role, held in
which agency, may make each one. Services call `authorize` before writing; pages and the API
call `available_actions` to offer only what the services will accept.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from onestop.agencies.models import Role
from onestop.agencies.selectors import has_role
from onestop.core.errors import NotAllowed

from .models import CLOCK_RUNNING, ApologyLetter, Dossier
from .transitions import Action, target_status


class Where(StrEnum):
    """Which agency a role must be held in for an action."""

    RECEIVING = "receiving"  # the centre that received the dossier
    STEP = "step"  # the agency of the current step, with the step's own role
    HANDLING = "handling"  # the competent agency


# action -> the (where, role) pairs that may perform it. STEP with role None = the step's role.
PERMISSIONS: dict[Action, tuple[tuple[Where, str | None], ...]] = {
    Action.INTAKE: ((Where.RECEIVING, Role.OFFICER),),
    Action.RECEIVE: ((Where.RECEIVING, Role.OFFICER),),
    Action.REFUSE: ((Where.RECEIVING, Role.OFFICER),),
    Action.HAND_OVER: ((Where.STEP, None),),
    Action.APPROVE: ((Where.STEP, None),),
    # The specialist who reviews drafts the result (docs/domain.md §1), also when the dossier
    # already waits at the leader's step: a corrected draft replaces the earlier one.
    Action.DRAFT_RESULT: ((Where.STEP, Role.SPECIALIST), (Where.HANDLING, Role.SPECIALIST)),
    Action.REQUEST_SUPPLEMENT: (
        (Where.RECEIVING, Role.OFFICER), (Where.STEP, Role.SPECIALIST), (Where.STEP, Role.LEADER),
    ),
    Action.SUPPLEMENT_RECEIVED: ((Where.RECEIVING, Role.OFFICER),),
    Action.REQUEST_PAYMENT: ((Where.RECEIVING, Role.OFFICER), (Where.STEP, Role.SPECIALIST)),
    Action.PAYMENT_RECEIVED: ((Where.RECEIVING, Role.OFFICER),),
    Action.WITHDRAW: ((Where.RECEIVING, Role.OFFICER),),
    Action.STOP: ((Where.HANDLING, Role.LEADER),),
    Action.RETURN_RESULT: ((Where.RECEIVING, Role.OFFICER),),
}


def may(*, action: Action | str, dossier: Dossier, user: Any) -> bool:
    """Whether `user`'s roles allow `action` on `dossier` (this table only, not the status)."""
    action = Action(action)
    for where, role in PERMISSIONS.get(action, ()):
        if where == Where.RECEIVING:
            if has_role(user=user, agency_id=dossier.receiving_agency_id, role=role or ""):
                return True
        elif where == Where.HANDLING:
            if has_role(user=user, agency_id=dossier.handling_agency_id, role=role or ""):
                return True
        elif where == Where.STEP:
            step = dossier.current_step
            if step is None:
                continue
            wanted = role or step.role
            if role is None and step.assignee_id and step.assignee_id != user.pk:
                continue  # an assigned step is done by its assignee
            if has_role(user=user, agency_id=step.agency_id, role=wanted):
                return True
    return False


def authorize(*, action: Action, dossier: Dossier, user: Any) -> None:
    if user is None or not may(action=action, dossier=dossier, user=user):
        raise NotAllowed()


def available_actions(*, user: Any, dossier: Dossier) -> set[str]:
    """The actions to offer on the dossier page right now: the move is allowed from the
    current status and the user's role may make it. The services check again on POST.

    Besides the transitions table: 'assign' (a leader of the current step's agency) and
    'apology_sign' / 'apology_dismiss' (a leader of the competent agency, draft waiting).
    Expects `dossier` from dossier_detail_for (steps and apologies prefetched): no queries.
    """
    offered: set[str] = set()
    for action in (
        Action.RECEIVE, Action.REFUSE, Action.HAND_OVER, Action.DRAFT_RESULT, Action.APPROVE,
        Action.REQUEST_SUPPLEMENT, Action.SUPPLEMENT_RECEIVED, Action.REQUEST_PAYMENT,
        Action.PAYMENT_RECEIVED, Action.WITHDRAW, Action.STOP, Action.RETURN_RESULT,
    ):
        if target_status(action, dossier.status) is not None and may(
            action=action, dossier=dossier, user=user
        ):
            offered.add(str(action))
    step = dossier.current_step
    if step is not None:
        is_last = not any(s.order > step.order for s in dossier.steps.all())
        # The last step ends in approval, the others in a hand-over (services insist too).
        offered.discard(Action.HAND_OVER if is_last else Action.APPROVE)
        if not dossier.is_finished and has_role(user=user, agency_id=step.agency_id,
                                                role=Role.LEADER):
            offered.add("assign")
    else:
        offered.discard(Action.HAND_OVER)
        offered.discard(Action.APPROVE)
    letters = list(dossier.apologies.all())
    # A draft waits, the clock runs, and the one extension the law allows is not used yet.
    if has_role(user=user, agency_id=dossier.handling_agency_id, role=Role.LEADER) and any(
        a.state == ApologyLetter.State.DRAFT for a in letters
    ) and not any(a.state == ApologyLetter.State.SIGNED for a in letters) and (
        dossier.status in CLOCK_RUNNING and dossier.paused_at is None
    ):
        offered.update({"apology_sign", "apology_dismiss"})
    return offered
