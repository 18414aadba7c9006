"""The dossier's copy of its current step (agency, role, assignee) that the queues read."""

import importlib

import pytest
from django.apps import apps

from onestop.dossiers import services as svc
from onestop.dossiers.models import Dossier
from onestop.testing import vn

pytestmark = pytest.mark.django_db


def test_services_keep_the_copy_of_the_current_step(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    assert (d.current_agency_id, d.current_role) == (city.centre.pk, "officer")
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, assignee=city.specialist,
                              at=vn(2026, 3, 2, 9))
    d.refresh_from_db()
    assert (d.current_agency_id, d.current_role, d.current_assignee_id) == (
        city.justice.pk, "specialist", city.specialist.pk)
    d = svc.dossier_stop(dossier_id=d.pk, actor=city.leader, reason="x", at=vn(2026, 3, 2, 10))
    d.refresh_from_db()
    assert (d.current_agency_id, d.current_role, d.current_assignee_id) == (None, "", None)


def test_the_migration_backfill_copies_each_dossiers_own_current_step(city):
    first = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                          at=vn(2026, 3, 2, 8))
    second = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                           at=vn(2026, 3, 2, 8, 30))
    svc.dossier_hand_over(dossier_id=second.pk, actor=city.officer, at=vn(2026, 3, 2, 9))
    Dossier.objects.update(current_agency=None, current_role="", current_assignee=None)
    migration = importlib.import_module(
        "onestop.dossiers.migrations.0002_queue_denormalised_step")
    migration.backfill(apps, None)
    rows = dict(Dossier.objects.values_list("pk", "current_role"))
    assert rows == {first.pk: "officer", second.pk: "specialist"}
