"""The competent agency of a filing (onestop.dossiers.routing), on the demo city's catalog."""

import pytest

from onestop.accounts.models import User
from onestop.agencies.models import Agency, Membership
from onestop.core.errors import ValidationFailed
from onestop.dossiers import services as svc
from onestop.dossiers.routing import CompetentAgencyNeeded, competent_routing
from onestop.testing import vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_city():
    from onestop.demo import catalog as data
    from onestop.demo.loader import _build_catalog, _build_organisation

    centre, departments, counters, committees, units = _build_organisation()
    admin = User.objects.create(username="admin", is_superuser=True, is_staff=True)
    versions = _build_catalog(departments=departments, committees=committees, admin=admin)
    officer = User.objects.create(username="officer", full_name="Cán bộ một cửa")
    for counter in [centre, *counters.values()]:
        Membership.objects.create(user=officer, agency=counter, role="officer")
    return {"centre": centre, "departments": departments, "counters": counters,
            "committees": committees, "versions": versions, "officer": officer,
            "communes": {c.slug: c for c in data.COMMUNES}}


def _file(world, *, version, counter, unit_code="", chosen=None, day=2):
    documents = [svc.SubmittedDocument(required_document_id=d.id, originals=d.originals,
                                       copies=d.copies)
                 for d in version.documents.all() if not d.optional]
    filing = svc.Filing(procedure_version=version, receiving_agency=counter,
                        applicant=svc.Applicant(name="Nguyễn Văn An", unit_code=unit_code),
                        documents=documents, handling_agency=chosen)
    return svc.dossier_intake_at_counter(officer=world["officer"], filing=filing,
                                         at=vn(2026, 3, day, 8))


def test_every_demo_procedure_at_every_demo_counter_goes_to_the_right_agency(demo_city):
    w = demo_city
    for spec, version in w["versions"].values():
        for slug, counter in [("centre", w["centre"]), *w["counters"].items()]:
            if spec.handler != "commune":
                d = _file(w, version=version, counter=counter)
                assert d.handling_agency == w["departments"][spec.handler], (spec.code, slug)
            elif slug == "centre":
                # The city centre is in no commune: the applicant's address decides …
                d = _file(w, version=version, counter=counter,
                          unit_code=w["communes"]["caikhe"].unit_code)
                assert d.handling_agency == w["committees"]["caikhe"], spec.code
                # … and without one the filing asks instead of guessing.
                with pytest.raises(CompetentAgencyNeeded) as asked:
                    _file(w, version=version, counter=counter)
                assert len(asked.value.choices) == len(w["committees"])
            else:
                d = _file(w, version=version, counter=counter)
                assert d.handling_agency == w["committees"][slug], (spec.code, slug)


def test_birth_registration_at_the_ninh_kieu_counter_goes_to_ninh_kieu(demo_city):
    w = demo_city
    _spec, version = w["versions"]["1.001193"]
    counter = w["counters"]["ninhkieu"]
    ninhkieu = w["communes"]["ninhkieu"].unit_code
    d = _file(w, version=version, counter=counter, unit_code=ninhkieu)
    assert d.handling_agency == w["committees"]["ninhkieu"]
    routing = competent_routing(version=version, receiving_agency=counter)
    assert routing.default == w["committees"]["ninhkieu"] and routing.reason == "counter"


def test_a_counter_and_an_address_in_different_communes_make_the_filing_ask(demo_city):
    w = demo_city
    _spec, version = w["versions"]["1.001193"]
    with pytest.raises(CompetentAgencyNeeded):
        _file(w, version=version, counter=w["counters"]["ninhkieu"],
              unit_code=w["communes"]["binhthuy"].unit_code)
    # The applicant's own choice settles it, whichever counter receives the dossier.
    d = _file(w, version=version, counter=w["counters"]["ninhkieu"],
              unit_code=w["communes"]["binhthuy"].unit_code,
              chosen=w["committees"]["binhthuy"])
    assert d.handling_agency == w["committees"]["binhthuy"]


def test_an_agency_that_is_not_competent_is_refused(demo_city):
    w = demo_city
    _spec, version = w["versions"]["1.001193"]
    not_competent = Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).first()
    with pytest.raises(ValidationFailed, match="không có thẩm quyền"):
        _file(w, version=version, counter=w["counters"]["ninhkieu"], chosen=not_competent)
