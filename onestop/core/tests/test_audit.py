"""The audit log is append-only and any tampering is found at the first broken event."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from onestop.core.audit import audit_append, audit_verify
from onestop.core.checkpoints import checkpoint_write
from onestop.core.models import AppendOnlyError, AuditChainHead, AuditEvent

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


# ---- signed checkpoints anchor the head outside the table (core.checkpoints) -------------

def _cut_tail(keep: int) -> None:
    """What someone with write access to the database can do: delete the last events and
    rewind the chain head, so that the chain alone still verifies."""
    AuditEvent.objects.filter(seq__gt=keep)._raw_delete(AuditEvent.objects.db)
    last = AuditEvent.objects.get(seq=keep)
    AuditChainHead.objects.filter(id=1).update(seq=keep, hash=last.hash)


def test_a_cut_tail_with_a_rewound_head_is_found_through_the_latest_checkpoint(settings):
    _events(5)
    checkpoint = checkpoint_write()
    assert checkpoint is not None and checkpoint.seq == 5
    _events(2)  # after the checkpoint: the window that stays open until the next one
    _cut_tail(4)
    assert audit_verify(checkpoints=False).ok  # the chain alone does not see it
    result = audit_verify()
    assert not result.ok and result.broken_seq == 5
    assert "removed from the end" in result.problem
    with pytest.raises(CommandError, match="#5"):
        call_command("audit", "verify")


def test_the_checkpoint_is_in_the_file_in_the_log_and_in_the_audit_log(settings, caplog):
    _events(3)
    with caplog.at_level("INFO", logger="onestop.audit"):
        checkpoint = checkpoint_write()
    lines = Path(settings.ONESTOP_AUDIT_CHECKPOINT_FILE).read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [3]
    assert checkpoint.to_json() in caplog.text
    event = AuditEvent.objects.get(action="audit.checkpoint")
    assert event.seq == 4 and event.data["hash"] == AuditEvent.objects.get(seq=3).hash
    assert checkpoint_write() is None  # nothing new since: no second checkpoint
    assert audit_verify().ok


def test_a_checkpoint_is_checked_even_when_its_event_was_deleted_from_the_table(settings):
    _events(3)
    checkpoint_write()
    _cut_tail(2)  # the checkpoint event (#4) and the event it covers (#3) are gone
    result = audit_verify()
    assert not result.ok and result.broken_seq == 3


def test_a_forged_checkpoint_is_refused(settings, tmp_path):
    _events(2)
    checkpoint_write()
    forged = json.loads(Path(settings.ONESTOP_AUDIT_CHECKPOINT_FILE).read_text())
    forged["seq"] = 1
    forged["hash"] = AuditEvent.objects.get(seq=1).hash
    Path(settings.ONESTOP_AUDIT_CHECKPOINT_FILE).write_text(json.dumps(forged) + "\n")
    result = audit_verify()
    assert not result.ok and "not signed by the audit key" in result.problem


def test_a_copy_kept_elsewhere_is_checked_with_the_public_key_alone(settings, tmp_path):
    _events(4)
    checkpoint_write()
    copy = tmp_path / "off-site.jsonl"
    copy.write_text(Path(settings.ONESTOP_AUDIT_CHECKPOINT_FILE).read_text())
    public = tmp_path / "audit-key.pub.pem"
    call_command("audit", "public-key", stdout=(out := io.StringIO()))
    public.write_text(out.getvalue())
    # Someone empties the file on this machine and cuts the tail, checkpoint event included:
    # only the copy kept elsewhere still tells.
    Path(settings.ONESTOP_AUDIT_CHECKPOINT_FILE).write_text("")
    _cut_tail(3)
    assert audit_verify().ok  # nothing is left on this machine to tell…
    with pytest.raises(CommandError, match="#4"):
        call_command("audit", "verify", "--checkpoints", str(copy), "--public-key", str(public))


def test_the_worker_schedules_checkpoints():
    from onestop.core.scheduler import periodic_jobs

    job = next(j for j in periodic_jobs() if j.name == "audit_checkpoint")
    assert job.interval == 300
    _events(1)
    job.task.call()
    assert AuditEvent.objects.filter(action="audit.checkpoint").count() == 1
