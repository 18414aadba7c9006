"""A document sent by one agency arrives in another's incoming register, is registered by the
clerk, assigned by a leader, followed to done; every move reports its status back."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from onestop.core.errors import InvalidTransition, NotAllowed, ValidationFailed
from onestop.exchange.edxml import BusinessType, Organ
from onestop.exchange.models import (
    Delivery,
    Direction,
    DocState,
    DocumentStatus,
    ExchangeMessage,
    OfficialDocument,
)
from onestop.exchange.services import (
    FileIn,
    deliveries_run,
    document_assign,
    document_change_decide,
    document_change_request,
    document_finish,
    document_refuse,
    document_register,
    document_send,
    document_start,
)

from .conftest import JUSTICE


def send(x: Any, **changes: Any) -> OfficialDocument:
    fields: dict[str, Any] = {
        "agency": x.city, "actor": x.city_clerk, "recipients": [Organ(JUSTICE, "Sở Tư pháp")],
        "code_number": "1234", "code_notation": "UBND-VP", "subject": "Về việc liên thông",
        "promulgation_date": datetime.date(2026, 3, 2), "signer_name": "Nguyễn Văn A",
        "signer_position": "Chủ tịch", "place": "Cần Thơ",
        "files": [FileIn("cv.pdf", "application/pdf", b"%PDF-1.4 demo")],
    }
    fields.update(changes)
    with transaction.atomic():
        return document_send(**fields)


def incoming(x: Any, business_type: int = 0) -> OfficialDocument:
    return OfficialDocument.objects.get(agency=x.justice, direction=Direction.INCOMING,
                                        business_type=business_type)


def statuses(document: OfficialDocument) -> list[str]:
    return list(DocumentStatus.objects.filter(document=document)
                .order_by("at", "id").values_list("status_code", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_sent_document_is_followed_to_done_and_reports_each_step(exchange: Any) -> None:
    x = exchange
    sent = send(x)
    assert Delivery.objects.get().state == Delivery.State.PENDING  # outbox, same transaction
    deliveries_run()
    arrived = incoming(x)
    assert arrived.state == DocState.RECEIVED and arrived.sender_organ_id == x.city.code
    assert arrived.attachments.get().sha256 == sent.attachments.get().sha256
    assert statuses(sent) == ["01"]  # the receiver's answer on delivery

    document_register(document_pk=arrived.pk, actor=x.clerk)
    document_assign(document_pk=arrived.pk, actor=x.leader, department=x.office,
                    assignee=x.specialist)
    document_start(document_pk=arrived.pk, actor=x.specialist)
    done = document_finish(document_pk=arrived.pk, actor=x.specialist, note="Đã xử lý")
    assert done.state == DocState.DONE and done.incoming_number == 1
    deliveries_run()
    deliveries_run()
    assert statuses(sent) == ["01", "03", "04", "05", "06"]
    assert not Delivery.objects.exclude(state=Delivery.State.DELIVERED).exists()


@pytest.mark.django_db(transaction=True)
def test_incoming_numbers_follow_each_other_per_agency_and_year(exchange: Any) -> None:
    x = exchange
    for number in ("1", "2", "3"):
        send(x, code_number=number)
    deliveries_run()
    numbers = [document_register(document_pk=d.pk, actor=x.clerk).incoming_number
               for d in OfficialDocument.objects.filter(direction=Direction.INCOMING)
               .order_by("code_number")]
    assert numbers == [1, 2, 3]


@pytest.mark.django_db(transaction=True)
def test_roles_and_moves_are_checked(exchange: Any) -> None:
    x = exchange
    send(x)
    deliveries_run()
    arrived = incoming(x)
    with pytest.raises(NotAllowed):
        document_register(document_pk=arrived.pk, actor=x.leader)  # the clerk registers
    with pytest.raises(InvalidTransition):
        document_finish(document_pk=arrived.pk, actor=x.leader)
    document_register(document_pk=arrived.pk, actor=x.clerk)
    with pytest.raises(NotAllowed):
        document_assign(document_pk=arrived.pk, actor=x.clerk, department=x.office,
                        assignee=x.specialist)
    with pytest.raises(ValidationFailed):
        document_assign(document_pk=arrived.pk, actor=x.leader, department=x.office,
                        assignee=x.clerk)  # not a member of that department
    with pytest.raises(NotAllowed):
        send(x, actor=x.specialist, code_number="9")


@pytest.mark.django_db(transaction=True)
def test_a_refusal_is_reported_with_its_reason(exchange: Any) -> None:
    x = exchange
    sent = send(x)
    deliveries_run()
    with pytest.raises(ValidationFailed):
        document_refuse(document_pk=incoming(x).pk, actor=x.clerk, reason=" ")
    document_refuse(document_pk=incoming(x).pk, actor=x.clerk, reason="Gửi nhầm đơn vị")
    deliveries_run()
    refused = DocumentStatus.objects.get(document=sent, status_code="02")
    assert refused.description == "Gửi nhầm đơn vị"


@pytest.mark.django_db(transaction=True)
def test_the_same_message_delivered_twice_is_registered_once(exchange: Any) -> None:
    x = exchange
    send(x)
    deliveries_run()
    Delivery.objects.update(state=Delivery.State.PENDING,  # as after a lost answer
                            next_attempt_at=timezone.now())
    deliveries_run()
    assert OfficialDocument.objects.filter(direction=Direction.INCOMING).count() == 1
    outcomes = ExchangeMessage.objects.filter(direction=Direction.INCOMING, kind="document")
    assert sorted(outcomes.values_list("outcome", flat=True)) == ["accepted", "duplicate"]


@pytest.mark.django_db(transaction=True)
def test_a_revocation_agreed_revokes_both_copies(exchange: Any) -> None:
    x = exchange
    sent = send(x)
    deliveries_run()
    document_register(document_pk=incoming(x).pk, actor=x.clerk)
    with transaction.atomic():
        change = document_change_request(document_pk=sent.pk, actor=x.city_clerk,
                                         business_type=BusinessType.REVOKE,
                                         reason="Ban hành nhầm")
    deliveries_run()
    request = incoming(x, BusinessType.REVOKE)
    assert request.related == incoming(x) and request.note == "Ban hành nhầm"
    with pytest.raises(NotAllowed):
        document_change_decide(document_pk=request.pk, actor=x.clerk, agree=True)
    document_change_decide(document_pk=request.pk, actor=x.leader, agree=True)
    assert incoming(x).state == DocState.REVOKED
    deliveries_run()
    sent.refresh_from_db()
    assert sent.state == DocState.REVOKED
    assert DocumentStatus.objects.filter(document=change, status_code="15").exists()


@pytest.mark.django_db(transaction=True)
def test_an_update_refused_changes_nothing_and_is_reported_16(exchange: Any) -> None:
    x = exchange
    sent = send(x)
    deliveries_run()
    with transaction.atomic():
        change = document_change_request(document_pk=sent.pk, actor=x.city_clerk,
                                         business_type=BusinessType.UPDATE,
                                         reason="Sửa trích yếu", subject="Trích yếu mới")
    deliveries_run()
    document_change_decide(document_pk=incoming(x, BusinessType.UPDATE).pk, actor=x.leader,
                           agree=False, note="Không đồng ý")
    deliveries_run()
    assert incoming(x).subject == "Về việc liên thông"
    sent.refresh_from_db()
    assert sent.subject == "Về việc liên thông" and sent.state == DocState.SENT
    assert DocumentStatus.objects.get(document=change, status_code="16").description \
        == "Không đồng ý"


@pytest.mark.django_db(transaction=True)
def test_a_replacement_registered_replaces_the_first_document(exchange: Any) -> None:
    x = exchange
    sent = send(x)
    deliveries_run()
    document_register(document_pk=incoming(x).pk, actor=x.clerk)
    with transaction.atomic():
        change = document_change_request(document_pk=sent.pk, actor=x.city_clerk,
                                         business_type=BusinessType.REPLACE,
                                         reason="Thay thế", code_number="1240")
    deliveries_run()
    replacement = incoming(x, BusinessType.REPLACE)
    assert replacement.code_number == "1240" and replacement.related == incoming(x)
    document_register(document_pk=replacement.pk, actor=x.clerk)
    replacement.refresh_from_db()
    assert replacement.state == DocState.REGISTERED and replacement.incoming_number == 2
    assert incoming(x).state == DocState.REPLACED
    deliveries_run()
    sent.refresh_from_db()
    assert sent.state == DocState.REPLACED
    assert statuses(change)[-1] == "15"
