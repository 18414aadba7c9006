"""dossiers 0006 / payments 0003: the dossier foreign keys on payments' rows become the
dossier's own link rows, and back again, with every link kept (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from onestop.catalog.models import ProcedureVersion
from onestop.dossiers import services as dsvc
from onestop.dossiers.models import DossierFeeItem, DossierPayment
from onestop.payments.models import FeeItem, Receipt
from onestop.testing import vn

BEFORE = [("dossiers", "0005_documents"),
          ("payments", "0002_reconciliationrun_reconciliationline")]
AFTER = [("dossiers", "0006_dossier_fee_and_payment_links"),
         ("payments", "0003_payments_know_no_dossier")]


def _migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_latest() -> None:
    # Going back to 0005 also unapplied every later migration of every app that depends on
    # these; the tests that run after this one need the whole schema back.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.slow  # migrates backwards and forwards: about 20 s on PostgreSQL
@pytest.mark.django_db(transaction=True)
def test_the_links_move_to_the_dossier_and_back_without_losing_one(city):
    city.version.payment_timing = ProcedureVersion.PaymentTiming.BEFORE_PROCESSING
    city.version.save(update_fields=["payment_timing"])
    paid_first = dsvc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                                at=vn(2026, 3, 2, 8))
    payment = dsvc.payment_for_dossier(dossier_id=paid_first.pk).payment
    other = dsvc.dossier_intake_at_counter(officer=city.officer,
                                           filing=city.filing(name="Lê Văn Tám"),
                                           at=vn(2026, 3, 2, 9))
    bill_item = FeeItem.objects.create(agency=city.centre, source=FeeItem.Source.OTHER,
                                       name="Hóa đơn", unit_amount=1000, amount=1000)
    items = dict(DossierFeeItem.objects.values_list("item_id", "dossier_id"))
    assert set(items.values()) == {paid_first.pk, other.pk}

    try:
        old = _migrate(BEFORE)
        OldItem, OldPayment = old.get_model("payments", "FeeItem"), old.get_model(
            "payments", "Payment")
        assert dict(OldItem.objects.filter(dossier__isnull=False)
                    .values_list("pk", "dossier_id")) == items
        assert OldItem.objects.get(pk=bill_item.pk).dossier_id is None
        assert list(OldPayment.objects.values_list("pk", "dossier_id")) == [
            (payment.pk, paid_first.pk)]
    finally:
        new = _migrate(AFTER)
        try:
            moved = dict(new.get_model("dossiers", "DossierFeeItem").objects
                         .values_list("item_id", "dossier_id"))
            links = list(new.get_model("dossiers", "DossierPayment").objects.values_list(
                "payment_id", "dossier_id", "purpose"))
        finally:
            _migrate_to_latest()

    assert moved == items
    assert links == [(payment.pk, paid_first.pk, DossierPayment.Purpose.FEES)]
    # The schema is whole again for the tests after this one: a column of a later migration
    # (payments 0004+) reads.
    assert not Receipt.objects.filter(form_symbol="1C26TAA").exists()
