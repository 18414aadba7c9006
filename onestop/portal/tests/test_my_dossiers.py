"""The citizen's own dossiers: list, page, receipt, files, supplement answer, withdrawal,
result; never another citizen's."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onestop.dossiers import services as svc
from onestop.dossiers.models import Dossier, DossierDocument, Status
from onestop.testing import PDF_BYTES, vn

from .conftest import PNG_BYTES

pytestmark = pytest.mark.django_db


def file_online(city, account, at=None, **applicant) -> Dossier:
    docs = [svc.SubmittedDocument(required_document_id=d.id,
                                  file=ContentFile(PDF_BYTES, name="scan.pdf"))
            for d in city.version.documents.filter(optional=False)]
    data = {"name": account.full_name, "id_number": account.cccd, "phone": account.phone,
            "account": account, **applicant}
    return svc.dossier_submit_online(filing=svc.Filing(
        procedure_version=city.version, receiving_agency=city.centre,
        applicant=svc.Applicant(**data), documents=docs), at=at)


def receive(city, d: Dossier) -> Dossier:
    return svc.dossier_receive(dossier_id=d.pk, officer=city.officer)


def to_result_ready(city, d: Dossier) -> Dossier:
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer)
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist)
    return svc.dossier_approve(dossier_id=d.pk, actor=city.leader)


@pytest.fixture
def mine(city, citizen) -> Dossier:
    return receive(city, file_online(city, citizen))


def test_my_dossiers_lists_status_code_appointment_and_progress_newest_first(client, city,
                                                                            citizen, mine):
    newer = file_online(city, citizen)
    client.force_login(citizen)
    response = client.get("/ho-so-cua-toi/")
    rows = list(response.context["page"].object_list)
    assert [d.pk for d in rows] == [newer.pk, mine.pk]
    body = response.content.decode()
    assert mine.code in body and f"#{newer.pk}" in body
    assert rows[1].step_total == 3 and rows[1].current_step.order == 1
    assert mine.appointment_at is not None


def test_my_dossiers_runs_a_constant_number_of_queries(client, city, citizen):
    client.force_login(citizen)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/ho-so-cua-toi/").status_code == 200
        return len(ctx.captured_queries)

    d = receive(city, file_online(city, citizen))
    one = count()
    for _ in range(4):
        receive(city, file_online(city, citizen))
    svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer)
    assert count() == one


def test_another_citizen_gets_404_for_page_receipt_and_files(client, city, mine,
                                                             other_citizen):
    doc = mine.documents.first()
    client.force_login(other_citizen)
    for url in (f"/ho-so-cua-toi/{mine.pk}/", f"/ho-so-cua-toi/{mine.pk}/bien-nhan.pdf",
                f"/ho-so-cua-toi/{mine.pk}/tep/{doc.pk}/"):
        assert client.get(url).status_code == 404, url
    # Nor act on it.
    assert client.post(f"/ho-so-cua-toi/{mine.pk}/rut/",
                       {"reason": "x", "version": mine.version}).status_code == 404
    mine.refresh_from_db()
    assert mine.status == Status.RECEIVED


def test_the_owner_reads_page_receipt_and_files(client, city, citizen, mine):
    doc = mine.documents.first()
    client.force_login(citizen)
    page = client.get(f"/ho-so-cua-toi/{mine.pk}/")
    assert page.status_code == 200
    labels = [e.label for e in page.context["timeline"]]
    assert len(labels) == 2  # submitted online, received
    assert "Trần Thị Bình" not in page.content.decode()  # the officer's name is not shown
    receipt = client.get(f"/ho-so-cua-toi/{mine.pk}/bien-nhan.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    assert b"".join(client.get(f"/ho-so-cua-toi/{mine.pk}/tep/{doc.pk}/").streaming_content
                    ) == PDF_BYTES


def test_no_receipt_before_receipt(client, city, citizen):
    d = file_online(city, citizen)
    client.force_login(citizen)
    assert client.get(f"/ho-so-cua-toi/{d.pk}/bien-nhan.pdf").status_code == 404


def test_the_citizen_answers_a_supplement_online_and_the_appointment_moves(client, city,
                                                                         citizen):
    # Received on a Monday at least a week ago, supplement asked the next day: answered
    # now, the working time paused since then pushes the appointment later.
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday() + 14)
    m = vn(monday.year, monday.month, monday.day, 8)
    d = file_online(city, citizen, at=m - datetime.timedelta(hours=1))
    d = svc.dossier_receive(dossier_id=d.pk, officer=city.officer, at=m)
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer,
                              at=m + datetime.timedelta(hours=1))
    slot = city.version.documents.get(name="Giấy tờ tùy thân").pk
    svc.dossier_request_supplement(dossier_id=d.pk, actor=city.specialist,
                                   reason="Bản sao mờ", document_ids=[slot],
                                   at=m + datetime.timedelta(days=1))
    before = Dossier.objects.get(pk=d.pk).appointment_at
    client.force_login(citizen)
    page = client.get(f"/ho-so-cua-toi/{d.pk}/")
    assert page.context["supplement"].items == "Giấy tờ tùy thân"
    response = client.post(f"/ho-so-cua-toi/{d.pk}/bo-sung/", {
        f"doc-{slot}": SimpleUploadedFile("ro.png", PNG_BYTES), "note": "Gửi lại bản rõ",
        "version": Dossier.objects.get(pk=d.pk).version})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == Status.IN_PROCESS and d.appointment_at > before
    added = d.documents.get(kind=DossierDocument.Kind.SUPPLEMENT)
    assert added.name == "Giấy tờ tùy thân" and added.file.read() == PNG_BYTES
    assert added.file.name.endswith(".png")


def test_a_refused_supplement_file_sends_nothing(client, city, citizen, mine):
    d = svc.dossier_hand_over(dossier_id=mine.pk, actor=city.officer)
    svc.dossier_request_supplement(dossier_id=d.pk, actor=city.specialist,
                                   reason="Thiếu", items="Tờ khai")
    d.refresh_from_db()
    client.force_login(citizen)
    response = client.post(f"/ho-so-cua-toi/{d.pk}/bo-sung/", {
        "doc-other": SimpleUploadedFile("to-khai.pdf", b"not a pdf at all"),
        "version": d.version})
    assert response.status_code == 400 and "to-khai.pdf" in response.content.decode()
    d.refresh_from_db()
    assert d.status == Status.SUPPLEMENT


def test_withdrawal_with_a_reason(client, city, citizen, mine):
    client.force_login(citizen)
    url = f"/ho-so-cua-toi/{mine.pk}/rut/"
    assert client.post(url, {"reason": "", "version": mine.version}).status_code == 400
    response = client.post(url, {"reason": "Nộp nhầm thủ tục", "version": mine.version})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Status.WITHDRAWN
    page = client.get(f"/ho-so-cua-toi/{mine.pk}/")
    assert "Nộp nhầm thủ tục" in page.content.decode() and not page.context["can_withdraw"]


def test_the_result_is_downloadable_only_once_returned(client, city, citizen, mine):
    d = to_result_ready(city, mine)
    # A result file attached before the return (e.g. by a later back-office step) stays hidden.
    early = DossierDocument.objects.create(dossier=d, kind=DossierDocument.Kind.RESULT,
                                           name="Bản nháp",
                                           file=ContentFile(PDF_BYTES, name="draft.pdf"))
    client.force_login(citizen)
    assert client.get(f"/ho-so-cua-toi/{d.pk}/tep/{early.pk}/").status_code == 404
    assert client.get(f"/ho-so-cua-toi/{d.pk}/").context["results"] == []
    svc.dossier_return_result(dossier_id=d.pk, officer=city.officer,
                              result_file=ContentFile(PDF_BYTES, name="giay-khai-sinh.pdf"))
    page = client.get(f"/ho-so-cua-toi/{d.pk}/")
    result = next(r for r in page.context["results"] if r.pk != early.pk)
    response = client.get(f"/ho-so-cua-toi/{d.pk}/tep/{result.pk}/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_the_returned_result_is_the_signed_pdf_and_the_page_says_who_signed(client, city,
                                                                           citizen, mine,
                                                                           signing):
    from onestop.signatures.verify import verify_pdf

    signing.signer(agency=city.justice, user=city.leader, position="Giám đốc")
    d = to_result_ready(city, mine)
    svc.dossier_return_result(dossier_id=d.pk, officer=city.officer)
    client.force_login(citizen)
    page = client.get(f"/ho-so-cua-toi/{d.pk}/", HTTP_ACCEPT_LANGUAGE="vi")
    (result,) = page.context["results"]
    assert f"Ký số bởi {city.leader.display_name} lúc" in page.content.decode()
    response = client.get(f"/ho-so-cua-toi/{d.pk}/tep/{result.pk}/")
    assert verify_pdf(b"".join(response.streaming_content)).ok


def test_the_answer_page_offers_only_the_documents_asked_for_and_says_the_clock_is_paused(
        client, city, citizen, mine):
    d = svc.dossier_hand_over(dossier_id=mine.pk, actor=city.officer)
    card = city.version.documents.get(name="Giấy tờ tùy thân")
    svc.dossier_request_supplement(dossier_id=d.pk, actor=city.specialist,
                                   reason="Bản sao mờ", document_ids=[card.pk])
    client.force_login(citizen)
    page = client.get(f"/ho-so-cua-toi/{d.pk}/")
    body = page.content.decode()
    assert [doc.pk for doc in page.context["required"]] == [card.pk]
    assert f'name="doc-{card.pk}"' in body
    others = city.version.documents.exclude(pk=card.pk)
    assert not any(f'name="doc-{o.pk}"' in body for o in others)
    paused = Dossier.objects.get(pk=d.pk).paused_at
    assert "Tạm dừng từ" in body and "khi bạn gửi các giấy tờ được yêu cầu" in body
    assert paused is not None


def test_a_file_sent_for_a_document_not_asked_for_is_not_taken(client, city, citizen, mine):
    d = svc.dossier_hand_over(dossier_id=mine.pk, actor=city.officer)
    card = city.version.documents.get(name="Giấy tờ tùy thân")
    form = city.version.documents.get(name="Tờ khai theo mẫu")
    svc.dossier_request_supplement(dossier_id=d.pk, actor=city.specialist,
                                   reason="Bản sao mờ", document_ids=[card.pk])
    d.refresh_from_db()
    client.force_login(citizen)
    client.post(f"/ho-so-cua-toi/{d.pk}/bo-sung/", {
        f"doc-{form.pk}": SimpleUploadedFile("khac.png", PNG_BYTES),
        f"doc-{card.pk}": SimpleUploadedFile("ro.png", PNG_BYTES + b"2"),
        "version": d.version})
    names = set(d.documents.filter(kind=DossierDocument.Kind.SUPPLEMENT)
                .values_list("name", flat=True))
    assert names == {"Giấy tờ tùy thân"}
