"""Campaigns with goals per commune."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import AdministrativeUnit
from onestop.core.audit import audit_append
from onestop.core.clock import now_or
from onestop.core.errors import NotAllowed, ValidationFailed

from ..models import (
    Campaign,
    CampaignGoal,
    HelpKind,
)
from .visits import normalize_whitespace

# --------------------------------------------------------------------------- campaigns


@transaction.atomic
def campaign_create(*, actor: Any | None, name: str, start: datetime.date, end: datetime.date,
                    kinds: list[str], goals: dict[str, int],
                    commune: AdministrativeUnit | None = None, description: str = "",
                    is_demo: bool = False, at: datetime.datetime | None = None) -> Campaign:
    """A campaign of the city (`commune` None: set by the city's leaders or admins) or of
    one commune (its leaders or admins; goals only for that commune). `goals` maps commune
    codes to the number of helps to reach. `actor` None is the system (the demo)."""
    from ..selectors import is_city_manager, may_set_households

    if actor is not None:
        allowed = (is_city_manager(user=actor) if commune is None
                   else may_set_households(user=actor, commune_id=commune.code))
        if not allowed:
            raise NotAllowed(_("Only the city's leaders and admins set a city campaign, and "
                               "a commune's leaders and admins a campaign of their commune."))
    name = normalize_whitespace(name)
    if not name:
        raise ValidationFailed(_("Give the campaign a name."))
    if end < start:
        raise ValidationFailed(_("The campaign must end on or after its start."))
    unknown = sorted(set(kinds) - set(HelpKind.values))
    if unknown or not kinds:
        raise ValidationFailed(_("Choose the kinds of help that count towards the campaign."))
    goals = {code.strip(): target for code, target in goals.items() if target}
    if not goals:
        raise ValidationFailed(_("Give at least one commune a goal."))
    if any(target < 0 for target in goals.values()):
        raise ValidationFailed(_("A goal cannot be negative."))
    if commune is not None and set(goals) != {commune.code}:
        raise ValidationFailed(_("A commune's campaign has a goal for that commune only."))
    units = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=goals)}
    if set(units) != set(goals):
        raise ValidationFailed(_("Unknown commune: %(codes)s."),
                               codes=", ".join(sorted(set(goals) - set(units))))
    campaign = Campaign.objects.create(
        name=name, description=description.strip(), commune=commune, start=start, end=end,
        kinds=sorted(set(kinds)), created_by=actor, is_demo=is_demo)
    CampaignGoal.objects.bulk_create([
        CampaignGoal(campaign=campaign, commune=units[code], target=target)
        for code, target in sorted(goals.items())])
    audit_append(actor=actor, action="community.campaign_create",
                 object_type="community_campaign", object_id=campaign.pk, at=now_or(at),
                 data={"name": name, "commune": commune.code if commune else None,
                       "start": start.isoformat(), "end": end.isoformat(),
                       "kinds": campaign.kinds, "goals": goals})
    return campaign
