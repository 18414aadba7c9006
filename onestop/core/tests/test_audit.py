"""The audit log is append-only and any tampering is found at the first broken event."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from onestop.core.audit import audit_append, audit_verify
from onestop.core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def _events(n: int) -> list[AuditEvent]:
    with transaction.atomic():
        return [
            audit_append(actor=None, action="test.event", object_type="thing", object_id=i,
                         reason=f"bước {i}", data={"i": i})
            for i in range(1, n + 1)
        ]


def test_intact_chain_verifies_and_command_says_so(capsys):
    _events(5)
    assert audit_verify().ok and audit_verify().checked == 5
    call_command("audit", "verify")
    assert "5 events verified" in capsys.readouterr().out


def test_events_cannot_be_changed_or_deleted_through_the_orm():
    event = _events(1)[0]
    event.reason = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_edited_content_is_found_at_that_event():
    events = _events(5)
    AuditEvent.objects.filter(pk=events[2].pk).update(reason="sửa lén")  # bypasses save()
    result = audit_verify()
    assert not result.ok and result.broken_seq == events[2].seq
    assert result.problem == "content was altered"
    with pytest.raises(CommandError, match=f"#{events[2].seq}"):
        call_command("audit", "verify")


def test_deleted_event_is_named_as_missing():
    events = _events(4)
    AuditEvent.objects.filter(pk=events[1].pk)._raw_delete(AuditEvent.objects.db)
    result = audit_verify()
    assert not result.ok and result.broken_seq == events[1].seq


def test_deleted_last_event_is_found_through_the_chain_head():
    events = _events(3)
    AuditEvent.objects.filter(pk=events[-1].pk)._raw_delete(AuditEvent.objects.db)
    result = audit_verify()
    assert not result.ok and result.broken_seq == events[-1].seq


def test_rewritten_hash_breaks_the_link_of_the_next_event():
    events = _events(3)
    AuditEvent.objects.filter(pk=events[0].pk).update(reason="x", hash="f" * 64)
    result = audit_verify()
    assert not result.ok and result.broken_seq == events[0].seq


@pytest.mark.django_db(transaction=True)
def test_append_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit_append(actor=None, action="x", object_type="t", object_id=1)
