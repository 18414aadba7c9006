"""Procedure versions: publishing checks the process and hands over validity periods."""

import datetime
from decimal import Decimal

import pytest

from onestop.catalog.models import ProcedureVersion
from onestop.catalog.selectors import version_in_force
from onestop.catalog.services import procedure_version_copy, procedure_version_publish
from onestop.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_new_version_takes_over_from_its_valid_from_day(city):
    draft = procedure_version_copy(version=city.version)
    assert draft.number == 2 and draft.state == ProcedureVersion.State.DRAFT
    assert draft.steps.count() == 3 and draft.documents.count() == 3 and draft.fees.count() == 1
    procedure_version_publish(version=draft, valid_from=datetime.date(2026, 7, 1))
    city.version.refresh_from_db()
    assert city.version.valid_to == datetime.date(2026, 7, 1)
    assert version_in_force(procedure_code="1.001193", on=datetime.date(2026, 6, 30)).number == 1
    assert version_in_force(procedure_code="1.001193", on=datetime.date(2026, 7, 1)).number == 2


def test_publishing_refuses_steps_that_do_not_add_up_to_the_legal_time(city):
    draft = procedure_version_copy(version=city.version)
    step = draft.steps.get(order=2)
    step.allotment_days = Decimal("1.5")
    step.save()
    with pytest.raises(ValidationFailed, match="2.50"):
        procedure_version_publish(version=draft, valid_from=datetime.date(2026, 7, 1))
    draft.refresh_from_db()
    assert draft.state == ProcedureVersion.State.DRAFT


def test_a_published_version_cannot_be_published_again(city):
    with pytest.raises(ValidationFailed):
        procedure_version_publish(version=city.version, valid_from=datetime.date(2026, 7, 1))
