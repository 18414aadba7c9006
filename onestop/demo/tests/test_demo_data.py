"""The demo data: every status, real services only, past working moments, loaded once."""

from io import StringIO

import pytest
from django.core.management import call_command

from onestop.accounts.models import User
from onestop.agencies.models import Agency
from onestop.core.audit import audit_verify
from onestop.core.calendars import calendar_for
from onestop.core.identifiers import validate_cccd
from onestop.core.models import AuditEvent
from onestop.demo.loader import demo_is_loaded, demo_load
from onestop.dossiers.models import Dossier, Status
from onestop.testing import vn

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # each test loads a demo city

NOW = vn(2026, 3, 20, 10)  # a Friday morning; the demo covers the 90 days before it


def test_a_small_demo_shows_every_status_with_an_intact_audit_chain():
    result = demo_load(size=40, now=NOW)
    assert result.loaded
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in Status}
    assert result.dossiers == Dossier.objects.count() == 40
    assert audit_verify().ok


def test_demo_actions_happen_in_the_past_in_office_hours_one_after_another():
    demo_load(size=40, now=NOW)
    cal = calendar_for(None)  # demo centres keep the default office hours
    events = list(AuditEvent.objects.filter(object_type="dossier").order_by("seq"))
    assert events and all(e.at <= NOW for e in events)
    # Only the closing deadline sweep runs at NOW; every person acts in office hours.
    by_people = [e for e in events if e.action != "apology.prepare" or e.at != NOW]
    assert all(cal.is_open(e.at) for e in by_people)
    assert all(a.at <= b.at for a, b in zip(by_people, by_people[1:], strict=False))
    for d in Dossier.objects.all():
        if d.is_organisation:  # a demo business: fictitious tax code ("0000" inside)
            assert d.applicant_tax_code[2:6] == "0000" and d.applicant_representative
        else:
            validate_cccd(d.applicant_id_number)
        assert d.applicant_phone.startswith("0900")  # fictitious, valid in form


def test_loading_twice_does_not_duplicate_anything():
    out = StringIO()
    call_command("seed_demo", "--size", "15", stdout=out)
    assert "15 hồ sơ" in out.getvalue()
    assert demo_is_loaded()
    officer = User.objects.get(username="officer")
    assert officer.check_password("onestop-demo") and not officer.is_staff
    assert User.objects.get(username="admin.ninhkieu").is_staff  # agency admins reach /admin/
    counts = (Agency.objects.count(), User.objects.count(), Dossier.objects.count(),
              AuditEvent.objects.count())
    out = StringIO()
    call_command("seed_demo", "--size", "15", stdout=out)
    assert "Dữ liệu mẫu đã được nạp" in out.getvalue()
    assert (Agency.objects.count(), User.objects.count(), Dossier.objects.count(),
            AuditEvent.objects.count()) == counts


def test_demo_shows_a_timely_apology_a_late_dossier_counted_late_and_a_business(tmp_path):
    from onestop.dossiers import pdf
    from onestop.dossiers.models import ApologyLetter, Status
    from onestop.scorecard.rollups import compute_facts

    demo_load(size=150, now=NOW)
    signed = ApologyLetter.objects.filter(state="signed")
    assert any(letter.in_time for letter in signed)  # drafted early, signed in time
    late = [d for d in Dossier.objects.filter(status__in=[Status.RESULT_READY, Status.RETURNED])
            if d.is_overdue()]
    assert late and all(compute_facts([d.pk])[d.pk].on_time is False for d in late)
    business = Dossier.objects.filter(applicant_kind="organisation", code__isnull=False).first()
    assert business is not None
    from onestop.dossiers.tests.test_pdf_forms import pdf_text
    assert f"Tổ chức: {business.applicant_name}" in pdf_text(pdf.render_receipt(business))
    # Every form renders from the demo data.
    returned = Dossier.objects.filter(status=Status.RETURNED).first()
    stopped = Dossier.objects.filter(status=Status.STOPPED).first()
    refused = Dossier.objects.filter(status=Status.REFUSED).first()
    assert returned and stopped and refused
    for data in (pdf.render_receipt(returned), pdf.render_control_slip(returned),
                 pdf.render_stop_notice(stopped), pdf.render_refusal(refused),
                 pdf.render_apology(signed.first()),
                 pdf.render_supplement_request(returned.supplements.first()
                                               or Dossier.objects.filter(
                                                   supplements__isnull=False).first()
                                               .supplements.first()),
                 pdf.render_tracking_register(agency=returned.receiving_agency,
                                              start=NOW.date().replace(day=1), end=NOW.date())):
        assert data.startswith(b"%PDF-")


def test_the_full_demo_loads_on_a_day_when_a_leader_signs_an_apology_late():
    # `onestop demo` on 2 December 2026 failed: a leader signing a day late was handed the
    # proposed appointment, already past by then, and the service refused it.
    result = demo_load(size=300, now=vn(2026, 12, 2, 7, 50))
    assert result.loaded and result.dossiers == 300


def test_every_returned_demo_dossier_has_a_signed_result_the_citizens_too():
    from onestop.dossiers.models import DossierDocument
    from onestop.signatures.models import SignedDocument
    from onestop.signatures.verify import verify_pdf

    demo_load(size=40, now=NOW)
    returned = Dossier.objects.filter(status=Status.RETURNED)
    assert returned.filter(applicant__username="congdan").exists()
    for dossier in returned:
        result = DossierDocument.objects.get(dossier=dossier, kind="result")
        assert SignedDocument.objects.filter(kind="result", file=result.file.name).exists()
    report = verify_pdf(DossierDocument.objects.filter(
        kind="result", dossier__applicant__username="congdan").first().file.read())
    assert report.ok and report.signatures[0].demo  # a DEMO certificate, and says so
    assert SignedDocument.objects.filter(kind="apology").exists()
    # The fees of returned dossiers were paid at the counter: signed receipts (issue 15).
    from onestop.payments.models import Receipt
    from onestop.payments.services import render_receipt_pdf

    receipts = Receipt.objects.all()
    assert receipts.exists() and not receipts.filter(signed_at__isnull=True).exists()
    assert verify_pdf(render_receipt_pdf(receipts.first())).ok
    assert audit_verify().ok


def test_the_demo_birth_registration_has_an_electronic_form_standing_for_its_declaration():
    from onestop.catalog.selectors import procedure_page
    from onestop.dossiers.models import DossierDocument

    demo_load(size=40, now=NOW)
    # Specialists drafted some results, and online birth registrations filled the form.
    assert DossierDocument.objects.filter(kind=DossierDocument.Kind.DRAFT_RESULT).exists()
    filled = Dossier.objects.exclude(declaration={})
    assert all(d.procedure_version.procedure.code == "1.001193" for d in filled)
    version = procedure_page(code="1.001193", on=NOW.date())
    keys = list(version.declaration_fields.values_list("key", flat=True))
    assert {"child_name", "child_birth_date", "mother_name"} <= set(keys)
    assert [d.name for d in version.documents.all() if d.electronic_form] == [
        "Tờ khai đăng ký khai sinh"]
