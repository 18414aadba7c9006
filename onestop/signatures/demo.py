"""Demo signers: a key file from the demo CA for every leader and every unit of the demo city.

Called by the demo loader before any dossier is simulated, so results, letters and receipts
of the demo are signed through the same services as in production. Everything is labelled
DEMO in the certificates (democa.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from onestop.agencies.models import Agency, Membership

from . import democa
from .models import Signer
from .services import signer_register

# The position printed above a demo leader's name (Decree 30/2020: position, then name).
DEMO_POSITIONS: dict[str, str] = {
    Agency.Kind.SERVICE_CENTRE: "Giám đốc",
    Agency.Kind.DEPARTMENT: "Giám đốc",
    Agency.Kind.COMMUNE_COMMITTEE: "Chủ tịch",
    Agency.Kind.COMMUNE_CENTRE: "Trưởng Bộ phận",
}


@transaction.atomic
def load_demo_signers(*, agencies: Iterable[Agency]) -> int:
    """Issue and register a signer for each leader and each agency; returns how many."""
    ca = democa.ensure_demo_ca()
    made = 0
    for agency in agencies:
        position = DEMO_POSITIONS.get(agency.kind, "Thủ trưởng cơ quan")
        leaders = [m.user for m in Membership.objects.select_related("user")
                   .filter(agency=agency, role="leader").order_by("user__username")]
        for person in [None, *leaders]:
            if Signer.objects.filter(agency=agency, user=person, is_active=True).exists():
                continue
            who = person.username if person is not None else "unit"
            label = f"demo-{who}-{agency.code}".replace(".", "-").lower()
            name = person.display_name if person is not None else agency.name
            issued = democa.issue_pkcs12(ca, label=label, common_name=name, unit=agency.name,
                                         title=position if person is not None else "")
            signer_register(label=label, kind=Signer.Kind.PKCS12, agency=agency, user=person,
                            key_ref=issued.key_ref, secret_ref=issued.secret_ref, name=name,
                            position=position if person is not None else "")
            made += 1
    return made
