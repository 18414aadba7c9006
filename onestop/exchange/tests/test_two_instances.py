"""Two real onestop instances (gunicorn + worker each, own SQLite database) exchange signed
documents over HTTP on loopback while the receiver restarts: nothing is lost, nothing is
registered twice, the receiver's answers come back, and a revocation crosses both ways."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from onestop.exchange.keys import make_demo_ca
from onestop.exchange.testing import Instance, free_port, spec

from .conftest import CITY, JUSTICE

COUNT = 40


def wait_until(check: Callable[[], bool], timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(1)


CLERK = ("from onestop.testing import make_user; from onestop.agencies.models import Agency; "
         "a = Agency.objects.get(code={code!r}); make_user('vanthu', 'Văn thư', clerk=a); "
         "make_user('lanhdao', 'Lãnh đạo', leader=a)")


@pytest.mark.slow
def test_two_instances_exchange_while_the_receiver_restarts(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    make_demo_ca(keys, {CITY: "UBND thành phố", JUSTICE: "Sở Tư pháp"})
    port_a, port_b = free_port(), free_port()
    a = Instance(tmp_path, name="a", keys=keys, port=port_a,
                 peers={JUSTICE: {"url": f"http://127.0.0.1:{port_b}"}})
    b = Instance(tmp_path, name="b", keys=keys, port=port_b,
                 peers={CITY: {"url": f"http://127.0.0.1:{port_a}"}})
    a.setup({CITY: "Ủy ban nhân dân thành phố Cần Thơ"})
    b.setup({JUSTICE: "Sở Tư pháp"})
    a.shell(CLERK.format(code=CITY))
    b.shell(CLERK.format(code=JUSTICE))
    try:
        for instance in (a, b):
            instance.start_server()
            instance.start_worker()
        a.run("exchange", "send", str(spec(sender=CITY, recipient=JUSTICE, tmp=tmp_path)),
              "--agency", CITY, "--count", str(COUNT))
        wait_until(lambda: a.delivered() >= 5)
        b.stop_server()  # the receiver goes down mid-stream …
        time.sleep(4)
        b.start_server()  # … and comes back
        wait_until(lambda: a.delivered() == COUNT)

        sent, received = a.stats(), b.stats()
        assert received["documents"] == {"in": COUNT}  # 0 lost, 0 duplicated
        assert received["incoming_distinct"] == COUNT
        assert sent["statuses"] == {"01": COUNT}  # every document acknowledged
        assert sent["retried"] > 0  # the restart really interrupted deliveries

        # The receiver's clerk registers one: its 03 travels back through its own outbox.
        b.shell("from onestop.exchange.models import OfficialDocument as D; "
                "from onestop.exchange.services import document_register; "
                "from onestop.accounts.models import User; "
                "d = D.objects.get(code_number='1'); "
                "document_register(document_pk=d.pk, actor=User.objects.get(username='vanthu'))")
        wait_until(lambda: a.status_count("03") == 1)

        # A revocation from the sender, agreed by the receiver's leader (15 comes back).
        a.shell("from django.db import transaction; "
                "from onestop.exchange.models import OfficialDocument as D; "
                "from onestop.exchange.services import document_change_request; "
                "from onestop.exchange.edxml import BusinessType; "
                "d = D.objects.get(code_number='1', business_type=0); "
                "transaction.atomic()(document_change_request)(document_pk=d.pk, actor=None, "
                "business_type=BusinessType.REVOKE, reason='Ban hành nhầm')")
        wait_until(lambda: b.count("SELECT COUNT(*) FROM exchange_officialdocument") == COUNT + 1)
        b.shell("from onestop.exchange.models import OfficialDocument as D; "
                "from onestop.exchange.services import document_change_decide; "
                "from onestop.accounts.models import User; "
                "d = D.objects.get(business_type=1); "
                "document_change_decide(document_pk=d.pk, agree=True, "
                "actor=User.objects.get(username='lanhdao'))")
        wait_until(lambda: a.status_count("15") == 1)
        state = a.shell("from onestop.exchange.models import OfficialDocument as D; "
                        "print(D.objects.get(code_number='1', business_type=0).state)")
        assert state == "revoked"
    finally:
        a.stop()
        b.stop()
