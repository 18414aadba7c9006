"""The roll-ups equal a direct computation on the raw records, after every kind of change,
kept current by refresh() from the audit log and restored by rebuild()."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F as models_F

from onestop.core.models import AuditChainHead
from onestop.dossiers import services as svc
from onestop.feedback import services as fsvc
from onestop.scorecard import rollups
from onestop.scorecard.counts import describe, direct, from_rollups
from onestop.scorecard.models import DailyRollup, DossierFact, RollupCursor
from onestop.scorecard.tests.world import PDF, build, pay_online
from onestop.testing import vn

pytestmark = pytest.mark.django_db

PERIODS = [
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
    (datetime.date(2026, 3, 2), datetime.date(2026, 3, 2)),
    (datetime.date(2026, 3, 4), datetime.date(2026, 3, 10)),
    (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
]


def assert_rollups_match(city):
    for unit in (None, city.centre.pk, city.justice.pk, city.commune.pk):
        for start, end in PERIODS:
            assert describe(from_rollups(unit, start, end)) == describe(direct(unit, start, end))


@pytest.fixture
def world(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build(city)


def further_changes(w):
    city = w.city
    svc.dossier_return_result(
        dossier_id=w.b.pk, officer=city.officer, at=vn(2026, 3, 10, 8),
        result_file=SimpleUploadedFile("kq.pdf", PDF, content_type="application/pdf"))
    svc.dossier_return_result(dossier_id=w.f.pk, officer=city.officer, at=vn(2026, 3, 10, 9))
    pay_online(w.b, at=vn(2026, 3, 10, 7), txn="FT002")
    # E: a supplement request, then processing stopped while it is open.
    svc.dossier_request_supplement(dossier_id=w.e.pk, actor=city.specialist, reason="x",
                                   items="y", at=vn(2026, 3, 4, 8))
    svc.dossier_stop(dossier_id=w.e.pk, actor=city.leader, reason="Không đủ điều kiện",
                     at=vn(2026, 3, 11, 8))
    fsvc.feedback_answer(feedback_id=w.other_feedback.pk, actor=city.leader,
                         answer="Cảm ơn góp ý.", at=vn(2026, 4, 20, 9))  # late
    fsvc.feedback_submit(sender_name="Ngô Văn Năm", contact="0909005678", subject="Chậm",
                         content="Chậm", consent_publish=False, dossier_code=w.b.code or "",
                         dossier_factor="5678", at=vn(2026, 3, 11, 9))


def test_refresh_follows_every_change_and_matches_the_raw_records(world, city):
    rollups.refresh()
    assert_rollups_match(city)
    further_changes(world)
    result = rollups.refresh()
    assert result.events > 0 and result.rows > 0
    assert RollupCursor.objects.get(id=1).last_seq == AuditChainHead.objects.get(id=1).seq
    assert_rollups_match(city)
    # Nothing new: nothing to do, and applying old events again changes nothing.
    assert rollups.refresh().events == 0
    before = list(DailyRollup.objects.order_by("day", "centre_id", "agency_id",
                                               "procedure_id").values())
    RollupCursor.objects.filter(id=1).update(last_seq=0)
    again = rollups.refresh()
    assert again.events > 0 and again.rows == 0
    assert list(DailyRollup.objects.order_by("day", "centre_id", "agency_id",
                                             "procedure_id").values()) == before


def test_rebuild_gives_what_the_refresh_gave(world, city):
    rollups.refresh()
    further_changes(world)
    rollups.refresh()
    def snapshot():
        return (sorted(DailyRollup.objects.exclude(**{c: 0 for c in DailyRollup.COUNTERS})
                       .values_list("day", "centre_id", "agency_id", "procedure_id",
                                    *DailyRollup.COUNTERS)),
                sorted(DossierFact.objects.values_list()))
    refreshed = snapshot()
    rollups.rebuild()
    assert snapshot() == refreshed
    rollups.rebuild(since=datetime.date(2026, 3, 4))
    assert snapshot() == refreshed
    assert_rollups_match(city)


def test_records_written_around_the_services_appear_after_a_rebuild(world, city):
    from onestop.dossiers.models import Dossier

    rollups.refresh()
    # A bulk load (like the perf generator) writes rows without audit events.
    Dossier.objects.filter(pk=world.e.pk).update(finished_at=vn(2026, 3, 20, 8), status=9)
    rollups.refresh()
    start, end = PERIODS[0]
    assert from_rollups(None, start, end).finished == 4
    rollups.rebuild(since=datetime.date(2026, 3, 15))
    assert from_rollups(None, start, end).finished == 5
    assert_rollups_match(city)


def test_rollups_built_with_older_rules_are_rebuilt_by_the_next_refresh(world):
    rollups.rebuild()
    # What a migration does: it only marks the roll-ups as built with older rules.
    RollupCursor.objects.filter(id=1).update(rules_version=rollups.FACT_RULES - 1)
    DailyRollup.objects.all().delete()  # whatever the old rules had left is replaced
    result = rollups.refresh()
    assert result.rebuilt
    assert RollupCursor.objects.get(id=1).rules_version == rollups.FACT_RULES
    assert_rollups_match(world.city)
    assert not rollups.refresh().rebuilt


def test_scorecard_on_time_ignores_an_apologys_new_appointment(world):
    from onestop.dossiers.models import ApologyLetter, Dossier

    city = world.city
    rollups.rebuild()
    late = Dossier.objects.filter(finished_at__isnull=False,
                                  finished_at__gt=models_F("legal_due_at")).first()
    if late is None:
        pytest.skip("the world has no late dossier")
    # An extension recorded after the fact must not turn it on time.
    ApologyLetter.objects.create(dossier=late, prepared_at=late.legal_due_at, reason="x",
                                 state="signed", signed_by=city.leader,
                                 signed_at=late.legal_due_at,
                                 old_appointment_at=late.legal_due_at,
                                 proposed_appointment_at=late.finished_at)
    Dossier.objects.filter(pk=late.pk).update(appointment_at=late.finished_at)
    assert rollups.compute_facts([late.pk])[late.pk].on_time is False
