"""The specialist attaches the draft result from the dossier page; the leader sees it beside
the approval and opens it; the officer is not offered the action."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onestop.dossiers import services as svc
from onestop.dossiers.models import DossierDocument
from onestop.testing import PDF_BYTES

pytestmark = pytest.mark.django_db
ACT = "draft_result"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_specialist_attaches_the_draft_and_the_leader_sees_it_before_approving(
        client, city, intake):
    dossier = intake()
    svc.dossier_hand_over(dossier_id=dossier.pk, actor=city.officer)
    dossier.refresh_from_db()
    url = reverse("backoffice:dossier_act", args=[dossier.pk, ACT])
    client.force_login(city.officer)
    assert url not in client.get(reverse("backoffice:dossier", args=[dossier.pk])).content.decode()
    client.force_login(city.specialist)
    page = client.get(reverse("backoffice:dossier", args=[dossier.pk])).content.decode()
    assert url in page and "Trình dự thảo kết quả" in page
    response = client.post(url, {f"{ACT}-version": dossier.version,
                                 f"{ACT}-result_file": SimpleUploadedFile("gks.pdf", PDF_BYTES),
                                 f"{ACT}-note": "Kính trình lãnh đạo"})
    assert response.status_code == 302
    draft = DossierDocument.objects.get(dossier=dossier, kind=DossierDocument.Kind.DRAFT_RESULT)
    svc.dossier_hand_over(dossier_id=dossier.pk, actor=city.specialist)
    client.force_login(city.leader)
    page = client.get(reverse("backoffice:dossier", args=[dossier.pk])).content.decode()
    link = reverse("backoffice:dossier_document", args=[dossier.pk, draft.pk])
    assert "Dự thảo kết quả trình phê duyệt" in page and link in page
    assert reverse("backoffice:dossier_act", args=[dossier.pk, "approve"]) in page
    opened = client.get(link)
    assert opened.status_code == 200 and b"".join(opened.streaming_content) == PDF_BYTES


def test_a_draft_that_is_not_a_pdf_is_refused_on_the_page(client, city, intake):
    dossier = intake()
    svc.dossier_hand_over(dossier_id=dossier.pk, actor=city.officer)
    dossier.refresh_from_db()
    client.force_login(city.specialist)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = client.post(reverse("backoffice:dossier_act", args=[dossier.pk, ACT]), {
        f"{ACT}-version": dossier.version, f"{ACT}-result_file": SimpleUploadedFile("a.png", png)})
    assert response.status_code == 400
    assert not DossierDocument.objects.filter(kind=DossierDocument.Kind.DRAFT_RESULT).exists()


def test_staff_read_the_electronic_form_as_filed_on_the_dossier_page(client, city):
    from dataclasses import replace

    from onestop.testing import BIRTH_DECLARATION, add_electronic_form, vn

    add_electronic_form(city.version)
    scan = city.version.documents.get(order=1).pk
    filing = city.filing()
    filing = replace(filing, declaration=BIRTH_DECLARATION,
                     documents=[d for d in filing.documents if d.required_document_id != scan])
    dossier = svc.dossier_submit_online(filing=filing, at=vn(2026, 12, 1, 9))
    client.force_login(city.officer)
    page = client.get(reverse("backoffice:dossier", args=[dossier.pk])).content.decode()
    assert "Tờ khai điện tử đã nộp" in page and "Người được đăng ký khai sinh" in page
    assert "Trần Minh Khôi" in page and "20/11/2025" in page
    printed = dossier.documents.get(required_document_id=scan)
    assert reverse("backoffice:dossier_document", args=[dossier.pk, printed.pk]) in page
