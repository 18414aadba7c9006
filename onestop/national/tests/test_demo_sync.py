"""`onestop demo` with the national sync on, against the stand-in: every status change of
every demo dossier reaches the stand-in, in order, none held back, lost or sent twice.
The real demo loader (real dossier services), the real client, the stand-in over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from onestop.demo.loader import demo_load
from onestop.dossiers.models import Dossier
from onestop.national.client import AdapterClient
from onestop.national.models import StatusMapping, SyncItem
from onestop.national.services import sync_run
from onestop.national.standin import StandIn, check_dossier, check_progress
from onestop.testing import vn

from .conftest import config_for

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # loads a demo city


def test_every_status_change_of_a_demo_dossier_reaches_the_standin_in_order(
        settings: Any, standin: StandIn) -> None:
    config = config_for(standin)
    settings.ONESTOP_NATIONAL_SYNC = True
    settings.ONESTOP_NATIONAL_URL = config.url
    settings.ONESTOP_NATIONAL_USERNAME = config.username
    settings.ONESTOP_NATIONAL_PASSWORD = config.password
    settings.ONESTOP_NATIONAL_UNIT_CODE = config.unit_code
    demo_load(size=20, now=vn(2026, 3, 20, 10))
    items = list(SyncItem.objects.order_by("id"))
    assert items, "the demo's changes write outbox rows"

    counts = sync_run(client=AdapterClient(config))

    assert set(counts) <= {"sent", "skipped"}, counts  # nothing unmapped, failed or waiting
    assert sum(counts.values()) == len(items)
    codes = dict(StatusMapping.objects.values_list("status", "national_code"))
    sent = list(SyncItem.objects.filter(state="sent").order_by("id")
                .values_list("dossier__code", "snapshot__status"))
    for dossier in Dossier.objects.exclude(code=""):
        expected = [codes[s] for code, s in sent if code == dossier.code]
        got = [r["TrangThai"] for r in standin.state.progress if r["MaHoSo"] == dossier.code]
        assert got == expected, dossier.code  # every change, once, in the order it happened
        if expected:
            assert standin.state.dossiers[dossier.code]["TrangThaiHoSo"] == expected[-1]
    changed = [i.created_at for i in items]
    assert max(len([1 for c, _s in sent if c == d]) for d in {c for c, _s in sent}) >= 4
    per_dossier: dict[int, list[Any]] = {}
    for i in items:
        per_dossier.setdefault(i.dossier_id, []).append(i.created_at)
    assert all(ts == sorted(ts) for ts in per_dossier.values()) and changed
    assert all(check_dossier(d) == [] for d in standin.state.dossiers.values())
    assert all(check_progress(p) == [] for p in standin.state.progress)
