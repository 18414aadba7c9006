"""Which agency is competent for a dossier: the one home of the routing rule.

- A commune-level procedure is handled by the People's Committee of the commune concerned.
  Since 2025-07-01 the provincial and commune service centres receive dossiers regardless of
  administrative boundaries within the province (Decree 118/2025/NĐ-CP), so the receiving
  centre and the competent commune are two choices, not one.
- The applicant chooses the commune; without a choice it is the counter's own commune, or
  the commune of the applicant's address. When those two disagree, or neither is known, the
  filing is refused with the list of choices: the platform never guesses silently.
- A city-level procedure with one competent department goes to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency
from onestop.catalog.models import ProcedureVersion
from onestop.core.errors import ValidationFailed


class CompetentAgencyNeeded(ValidationFailed):
    """The competent agency cannot be told without the applicant's choice; `choices` lists
    the agencies to choose from."""

    field = "competent_agency_code"

    def __init__(self, message: object, *, choices: list[Agency], **params: object) -> None:
        self.choices = choices
        super().__init__(message, **params)

    @property
    def details(self) -> dict[str, object]:
        """What the API answers beside the message: the agencies to choose from."""
        return {"field": self.field,
                "choices": [{"code": a.code, "name": a.name} for a in self.choices]}


@dataclass(frozen=True)
class Routing:
    choices: list[Agency]  # the competent agencies, in name order
    default: Agency | None  # what the filing pages preselect (None: the applicant must choose)
    reason: str  # why the default is what it is ("only", "counter", "address", "")


def _commune_of(agency: Agency, choices: list[Agency]) -> Agency | None:
    """The commune People's Committee among `choices` that `agency` belongs to, if any."""
    for candidate in choices:
        if candidate.pk == agency.pk or candidate.pk == agency.parent_id:
            return candidate
    if agency.unit_id:
        for candidate in choices:
            if (candidate.kind == Agency.Kind.COMMUNE_COMMITTEE
                    and candidate.unit_id == agency.unit_id):
                return candidate
    return None


def competent_routing(*, version: ProcedureVersion, receiving_agency: Agency | None,
                      applicant_unit_code: str = "") -> Routing:
    """The competent agencies of `version` and the default for this counter and applicant."""
    choices = sorted((a for a in version.competent_agencies.all() if a.is_active),
                     key=lambda a: a.name)
    if len(choices) == 1:
        return Routing(choices, choices[0], "only")
    counter = _commune_of(receiving_agency, choices) if receiving_agency is not None else None
    address = next((a for a in choices if applicant_unit_code and a.unit_id == applicant_unit_code
                    and a.kind == Agency.Kind.COMMUNE_COMMITTEE), None)
    if counter is not None and address is not None and counter.pk != address.pk:
        return Routing(choices, None, "")
    if counter is not None:
        return Routing(choices, counter, "counter")
    if address is not None:
        return Routing(choices, address, "address")
    return Routing(choices, None, "")


def competent_agency_for(*, version: ProcedureVersion, receiving_agency: Agency,
                         chosen: Agency | None = None, applicant_unit_code: str = "") -> Agency:
    """The competent agency for a filing, or CompetentAgencyNeeded / ValidationFailed."""
    routing = competent_routing(version=version, receiving_agency=receiving_agency,
                                applicant_unit_code=applicant_unit_code)
    if not routing.choices:
        raise ValidationFailed(_("No competent agency is set for this procedure."))
    if chosen is not None:
        if all(a.pk != chosen.pk for a in routing.choices):
            raise ValidationFailed(_("%(agency)s is not competent for this procedure."),
                                   agency=chosen.name)
        return chosen
    if routing.default is None:
        raise CompetentAgencyNeeded(
            _("Choose the competent agency (for a commune-level procedure: the commune "
              "concerned)."), choices=routing.choices)
    return routing.default
