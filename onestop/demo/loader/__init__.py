"""Load the demo city: organisation, staff, catalog and ~300 dossiers of the last 90 days.

The organisation and the catalog drafts are plain rows (like onestop.testing); procedure
versions are published through onestop.catalog.services so their process is checked, and
every dossier is made only through onestop.dossiers.services, with `at=` moments in the past.

The dossiers are simulated together in time order: each dossier's life is a generator that
yields the moment of its next action; a heap always resumes the earliest one. So the audit
log, dossier codes and per-day counters read chronologically, as if the last three months
had really happened, and every action sees the real state the previous ones left. A life
whose next action would fall after `now` simply stops there: that is how recent dossiers
end up still in process.
"""

from __future__ import annotations

import datetime
import logging
import random
import time
from collections import Counter

from django.db import transaction
from django.utils import timezone

from onestop.agencies.models import Agency
from onestop.catalog.models import ProcedureVersion
from onestop.dossiers import services as svc
from onestop.dossiers.models import Dossier

from .. import catalog as data
from ..feedback import load_demo_feedback
from .organisation import _build_organisation, _build_staff, centre_code, city_code
from .procedures import CATALOG_FROM, _build_catalog
from .simulator import WINDOW_DAYS, Simulator
from .world import DemoResult, World

__all__ = [
    "CATALOG_FROM", "DEFAULT_SEED", "DEFAULT_SIZE", "WINDOW_DAYS", "DemoResult", "World",
    "_build_catalog", "_build_organisation", "centre_code", "city_code", "demo_is_loaded",
    "demo_load",
]

logger = logging.getLogger(__name__)

DEFAULT_SIZE = 300
DEFAULT_SEED = 20250701


def demo_is_loaded() -> bool:
    return Agency.objects.filter(code=centre_code()).exists()


def _map_national(
        versions: dict[str, tuple[data.ProcedureSpec, ProcedureVersion]]) -> None:
    """National codes for the demo procedures, so that with the national sync on (against
    the stand-in) every demo dossier is sent, none held back as unmapped. The codes are the
    demo catalog's own (plausible, unchecked: docs/national.md), the field its slug."""
    from onestop.national.models import ProcedureMapping

    for spec, version in versions.values():
        ProcedureMapping.objects.get_or_create(procedure=version.procedure, defaults={
            "national_code": spec.code, "field_code": spec.field})


def demo_load(*, size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED,
              now: datetime.datetime | None = None) -> DemoResult:
    """Load the demo once; a second call finds the marker and writes nothing.

    One transaction: a failed load leaves no half-built demo (and no marker) behind.
    """
    began = time.monotonic()
    now = (now or timezone.now()).replace(microsecond=0)
    if demo_is_loaded():
        return DemoResult(loaded=False)
    rng = random.Random(seed)
    with transaction.atomic():
        centre, departments, counters, committees, units = _build_organisation()
        users, citizen = _build_staff(centre, departments, counters, committees)
        versions = _build_catalog(departments=departments, committees=committees,
                                  admin=users["admin"])
        _map_national(versions)
        world = World(centre=centre, departments=departments, counters=counters,
                      committees=committees, units=units, versions=versions, users=users,
                      citizen=citizen)
        world.index()
        # Every leader and unit signs with a key from the demo CA (labelled DEMO), so results,
        # letters, notices and receipts are signed through the same services as in production.
        from onestop.signatures.demo import load_demo_signers

        load_demo_signers(agencies=[centre, *departments.values(), *counters.values(),
                                    *committees.values()])
        sim = Simulator(world, rng=rng, now=now)
        sim.run(sim.plans(size))
        # What the worker would have done meanwhile: flag overdue dossiers, draft apologies.
        svc.deadline_sweep(now=now)
        # ... and signed the receipts issued (the signing task of each settlement).
        from onestop.payments.models import Receipt
        from onestop.payments.services import receipt_sign

        for receipt_id in Receipt.objects.filter(signed_at__isnull=True).values_list(
                "pk", flat=True):
            receipt_sign(receipt_id=receipt_id)
        # Ratings and feedback (PAKN), through the feedback services.
        load_demo_feedback(citizen=citizen, now=now, rng=rng, procedure_codes=[
            v.procedure.code for _spec, v in versions.values()])
        # Bills hub and "Chợ 4.0" markets (issue 4), through their own services.
        from onestop.billing.demo import load_demo_bills
        from onestop.markets.demo import load_demo_markets

        load_demo_bills(agency=centre, now=now)
        load_demo_markets(units=sorted(units.values(), key=lambda u: u.code), now=now)
        # Community digital teams (issue 12): teams, `team.<commune>` accounts and household
        # visits of the last 60 days, through the community services.
        from onestop.community.demo import load_demo_community

        load_demo_community(
            units={c.slug: units[c.unit_code] for c in data.COMMUNES},
            streets={c.slug: c.street for c in data.COMMUNES},
            password=users["admin"].password, now=now, rng=rng)
        # The DTI's digital-society value of the city and of each demo commune, computed from
        # those visits (scorecard.services.dti_fill_digital_society, provenance included).
        from onestop.scorecard.models import DtiUnit
        from onestop.scorecard.services import dti_fill_digital_society

        DtiUnit.objects.get_or_create(code="can-tho", defaults={
            "name": "Thành phố Cần Thơ", "is_city": True})
        for c in data.COMMUNES:
            DtiUnit.objects.get_or_create(code=f"can-tho-{c.slug}", defaults={
                "name": units[c.unit_code].name, "kind": DtiUnit.Kind.CITY_UNIT,
                "agency": committees[c.slug]})
        dti_fill_digital_society(year=timezone.localdate(now).year,
                                 today=timezone.localdate(now))
        # The city guide (issue 20): landmarks, OCOP products, traffic, the tax biller.
        from onestop.accounts.models import User
        from onestop.guide.demo import load_demo_guide

        load_demo_guide(password=users["admin"].password, now=now, collecting_agency=centre,
                        user_model=User)
        # The demo citizen also files for a demo business, with an authorisation (issue 10).
        from onestop.accounts.businesses import BusinessDetails, business_register

        name, tax_code, representative, _filer = data.BUSINESSES[0]
        business_register(account=citizen, at=now, details=BusinessDetails(
            name=name, tax_code=tax_code, representative=representative,
            head_office="Số 18 Đường Trần Hưng Đạo, Phường Ninh Kiều, Thành phố Cần Thơ",
            holder="authorised",
            authorisation="Giấy ủy quyền số 01/2026/GUQ ngày 05/01/2026 (dữ liệu mẫu)"))
    demo = Dossier.objects.filter(receiving_agency__in=[centre, *counters.values()])
    statuses = Counter(demo.values_list("status", flat=True))
    return DemoResult(
        loaded=True,
        agencies=1 + len(departments) + len(counters) + len(committees),
        users=len(users) + 1, procedures=len(versions), dossiers=demo.count(),
        statuses=dict(sorted(statuses.items())),
        overdue=sum(1 for d in demo if d.is_overdue(now)),
        supplements=demo.filter(supplement_count__gt=0).count(),
        apologies=demo.filter(apologies__state="signed").distinct().count(),
        seconds=time.monotonic() - began,
    )
