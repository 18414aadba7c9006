"""Actions on the dossier page: offered by role, posted with the version, PRG, no double acts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onestop.core.models import AuditEvent
from onestop.dossiers import services as svc
from onestop.dossiers.models import ApologyLetter, Dossier, Status

pytestmark = pytest.mark.django_db


def _page(client, dossier):
    return client.get(reverse("backoffice:dossier", args=[dossier.pk])).content.decode()


def _act(client, dossier, action, version=None, **fields):
    data = {f"{action}-version": dossier.version if version is None else version}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    return client.post(reverse("backoffice:dossier_act", args=[dossier.pk, action]), data)


def _hand_over_url(dossier):
    return reverse("backoffice:dossier_act", args=[dossier.pk, "hand_over"])


def test_specialist_sees_hand_over_only_when_the_current_step_is_theirs(client, city, intake):
    dossier = intake()
    client.force_login(city.specialist)
    assert _hand_over_url(dossier) not in _page(client, dossier)  # still at the counter
    svc.dossier_hand_over(dossier_id=dossier.pk, actor=city.officer)
    dossier.refresh_from_db()
    assert _hand_over_url(dossier) in _page(client, dossier)  # now the review step is theirs
    svc.dossier_hand_over(dossier_id=dossier.pk, actor=city.specialist)
    dossier.refresh_from_db()
    assert _hand_over_url(dossier) not in _page(client, dossier)  # the leader's now


def test_hand_over_through_the_page_redirects_and_assigns_the_next_step(client, city, intake):
    dossier = intake()
    client.force_login(city.officer)
    response = _act(client, dossier, "hand_over", note="Đủ hồ sơ", assignee=city.specialist.pk)
    assert response.status_code == 302 and response.url == reverse("backoffice:dossier",
                                                                   args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESS
    assert dossier.current_step.assignee == city.specialist
    followed = client.get(response.url).content.decode()
    assert "Đủ hồ sơ" in followed  # the note shows on the step and in the timeline


def test_a_stale_page_gets_the_conflict_message_and_changes_nothing(client, city, intake):
    dossier = intake()
    client.force_login(city.officer)
    stale = dossier.version
    assert _act(client, dossier, "hand_over", version=stale).status_code == 302
    dossier.refresh_from_db()
    events = AuditEvent.objects.count()
    before = (dossier.version, dossier.status, dossier.current_step_id)
    # The same form posted again from the old page (double click, second tab).
    response = _act(client, dossier, "request_supplement", version=stale,
                    reason="Thiếu giấy tờ", items="Bản sao CCCD")
    assert response.status_code == 409
    assert "Hồ sơ vừa được người khác thay đổi" in response.content.decode()
    dossier.refresh_from_db()
    assert (dossier.version, dossier.status, dossier.current_step_id) == before
    assert AuditEvent.objects.count() == events


def test_a_wrong_role_post_gets_a_403_message_and_changes_nothing(client, city, intake):
    dossier = intake()
    client.force_login(city.specialist)  # the receive step belongs to the centre's officer
    response = _act(client, dossier, "hand_over")
    assert response.status_code == 403
    assert "Vai trò của bạn không được phép thực hiện thao tác này" in response.content.decode()
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.version, fresh.status, fresh.current_step_id) == (
        dossier.version, dossier.status, dossier.current_step_id)


def test_unknown_action_names_are_refused(client, city, intake):
    dossier = intake()
    client.force_login(city.officer)
    url = reverse("backoffice:dossier_act", args=[dossier.pk, "delete"])
    assert client.post(url, {"delete-version": dossier.version}).status_code == 404
    assert client.get(reverse("backoffice:dossier_act",
                              args=[dossier.pk, "hand_over"])).status_code == 405


def test_refusing_needs_a_reason_and_keeps_what_was_typed(client, city, online):
    dossier = online()
    client.force_login(city.officer)
    response = _act(client, dossier, "refuse", reason="")
    assert response.status_code == 400
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED
    response = _act(client, dossier, "refuse", reason="Hồ sơ không thuộc thẩm quyền")
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == Status.REFUSED


def test_officer_receives_an_online_filing_from_the_queue(client, city, online):
    dossier = online()
    client.force_login(city.officer)
    queue = client.get(reverse("backoffice:home")).content.decode()
    receive_url = reverse("backoffice:dossier_act", args=[dossier.pk, "receive"])
    assert receive_url in queue
    assert _act(client, dossier, "receive").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.code


def test_journey_through_the_pages_ends_with_the_result_returned(client, city, intake):
    dossier = intake()
    client.force_login(city.officer)
    assert _act(client, dossier, "hand_over").status_code == 302
    dossier.refresh_from_db()
    client.force_login(city.specialist)
    assert _act(client, dossier, "request_supplement", reason="Thiếu",
                items="Bản sao").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT
    client.force_login(city.officer)
    assert _act(client, dossier, "supplement_received", note="Đã nhận").status_code == 302
    dossier.refresh_from_db()
    client.force_login(city.specialist)
    assert _act(client, dossier, "hand_over").status_code == 302
    dossier.refresh_from_db()
    client.force_login(city.leader)
    page = _page(client, dossier)
    assert reverse("backoffice:dossier_act", args=[dossier.pk, "approve"]) in page
    assert _act(client, dossier, "approve").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY
    client.force_login(city.officer)
    assert _act(client, dossier, "return_result").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    page = _page(client, dossier)
    assert "dossier_act" not in page and "/act/" not in page  # nothing left to do


def test_leader_signs_an_apology_from_the_inbox(client, city, intake):
    dossier = intake()
    letter = svc.apology_prepare(dossier_id=dossier.pk)
    assert letter is not None
    client.force_login(city.officer)
    assert client.get(reverse("backoffice:apologies")).content.decode().count(dossier.code) == 0
    client.force_login(city.leader)
    inbox = client.get(reverse("backoffice:apologies")).content.decode()
    assert dossier.code in inbox
    url = reverse("backoffice:apology_act", args=[letter.pk, "sign"])
    response = client.post(url, {
        f"sign{letter.pk}-version": dossier.version,
        f"sign{letter.pk}-reason": "Cần xác minh thêm",
        f"sign{letter.pk}-new_appointment": "2099-01-05T08:00",
    })
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == ApologyLetter.State.SIGNED and letter.reason == "Cần xác minh thêm"
    dossier.refresh_from_db()
    assert dossier.appointment_at.year == 2099


def test_a_stale_apology_form_is_refused(client, city, intake):
    dossier = intake()
    letter = svc.apology_prepare(dossier_id=dossier.pk)
    client.force_login(city.leader)
    url = reverse("backoffice:apology_act", args=[letter.pk, "dismiss"])
    response = client.post(url, {f"dismiss{letter.pk}-version": dossier.version - 1}, follow=True)
    assert "Hồ sơ vừa được người khác thay đổi" in response.content.decode()
    letter.refresh_from_db()
    assert letter.state == ApologyLetter.State.DRAFT
    response = client.post(url, {f"dismiss{letter.pk}-version": dossier.version})
    letter.refresh_from_db()
    assert letter.state == ApologyLetter.State.DISMISSED


def test_financial_obligation_is_requested_and_recorded_through_the_page(client, city, intake):
    dossier = intake()
    client.force_login(city.officer)
    assert _act(client, dossier, "request_payment", amount="12.5").status_code == 400
    response = _act(client, dossier, "request_payment", amount=50000, reason="Lệ phí")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_PAYMENT
    assert reverse("backoffice:dossier_act", args=[dossier.pk, "payment_received"]) in _page(
        client, dossier)
    assert _act(client, dossier, "payment_received", reference="FT123").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESS


def test_the_officer_ticks_the_documents_to_supplement(client, city, intake):
    from onestop.dossiers.models import SupplementRequest

    dossier = intake()
    card = city.version.documents.get(name="Giấy tờ tùy thân")
    client.force_login(city.officer)
    page = client.get(f"/backoffice/dossiers/{dossier.pk}/").content.decode()
    assert 'name="request_supplement-documents"' in page
    response = client.post(f"/backoffice/dossiers/{dossier.pk}/act/request_supplement/", {
        "request_supplement-version": dossier.version,
        "request_supplement-reason": "Bản sao mờ",
        "request_supplement-documents": [card.pk]})
    assert response.status_code == 302
    request = SupplementRequest.objects.get(dossier=dossier)
    assert list(request.documents.all()) == [card] and request.items == "Giấy tờ tùy thân"


def test_a_supplement_request_names_documents_or_describes_them(client, city, intake):
    dossier = intake()
    client.force_login(city.officer)
    response = client.post(f"/backoffice/dossiers/{dossier.pk}/act/request_supplement/", {
        "request_supplement-version": dossier.version,
        "request_supplement-reason": "Thiếu"})
    assert response.status_code == 400
    assert "Đánh dấu các giấy tờ cần bổ sung" in response.content.decode()
