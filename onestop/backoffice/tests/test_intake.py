"""Counter intake through the pages: choose the procedure, then the applicant and documents."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onestop.dossiers.models import Dossier, DossierDocument, Status

pytestmark = pytest.mark.django_db


def _post_data(city, *, skip: set[int] = frozenset(), **overrides):
    data = {
        "centre": city.centre.pk,
        "applicant_name": "Nguyễn Thị Hoa",
        "applicant_id_number": "092190001234",
        "applicant_phone": "0907 123 456",
        "applicant_email": "hoa@example.vn",
        "applicant_address": "12 Hòa Bình, Ninh Kiều",
        "handling_agency": city.justice.pk,
        "channel": 1,
        "note": "",
    }
    for doc in city.version.documents.all():
        data[f"doc_{doc.pk}_originals"] = doc.originals
        data[f"doc_{doc.pk}_copies"] = doc.copies
        if not doc.optional and doc.order not in skip:
            data[f"doc_{doc.pk}_present"] = "on"
    data.update(overrides)
    return data


def test_choosing_a_procedure_leads_to_the_details_step(client, city):
    client.force_login(city.officer)
    response = client.get(reverse("backoffice:intake"))
    assert response.status_code == 200 and "Đăng ký khai sinh" in response.content.decode()
    response = client.get(reverse("backoffice:intake"),
                          {"centre": city.centre.pk, "version": city.version.pk})
    assert response.status_code == 302
    details = client.get(response.url)
    assert details.status_code == 200
    body = details.content.decode()
    assert "Tờ khai theo mẫu" in body and "Giấy ủy quyền" in body


def test_intake_happy_path_creates_a_dossier_and_shows_its_code(client, city):
    client.force_login(city.officer)
    url = reverse("backoffice:intake_details", args=[city.version.pk]) + f"?centre={city.centre.pk}"
    first = city.version.documents.get(order=1)
    data = _post_data(city)
    data[f"doc_{first.pk}_file"] = SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4 scan",
                                                      content_type="application/pdf")
    response = client.post(url, data)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.status == Status.RECEIVED and dossier.applicant_name == "Nguyễn Thị Hoa"
    assert dossier.filed_by == city.officer
    assert DossierDocument.objects.filter(dossier=dossier).count() == 2
    page = client.get(response.url)
    body = page.content.decode()
    assert dossier.code in body
    assert reverse("backoffice:dossier_form", args=[dossier.pk, "receipt"]) in body
    assert 'class="callout"' in body  # the prominent "print receipt" box after intake
    scan = DossierDocument.objects.get(dossier=dossier, required_document=first)
    download = client.get(reverse("backoffice:dossier_document", args=[dossier.pk, scan.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 scan"


def test_intake_missing_a_required_document_shows_the_error_and_keeps_the_typing(client, city):
    client.force_login(city.officer)
    url = reverse("backoffice:intake_details", args=[city.version.pk]) + f"?centre={city.centre.pk}"
    response = client.post(url, _post_data(city, skip={2}))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Giấy tờ tùy thân" in body  # named in the service's "missing" message
    assert 'role="alert"' in body
    assert 'value="Nguyễn Thị Hoa"' in body
    assert 'value="12 Hòa Bình, Ninh Kiều"' in body
    assert not Dossier.objects.exists()


def test_intake_by_post_is_recorded_with_the_postal_channel(client, city):
    client.force_login(city.officer)
    url = reverse("backoffice:intake_details", args=[city.version.pk]) + f"?centre={city.centre.pk}"
    assert client.post(url, _post_data(city, channel=3)).status_code == 302
    assert Dossier.objects.get().channel == 3


def test_staff_without_a_counter_cannot_open_intake(client, city):
    client.force_login(city.specialist)
    assert client.get(reverse("backoffice:intake")).status_code == 403
    url = reverse("backoffice:intake_details", args=[city.version.pk])
    assert client.post(url, _post_data(city)).status_code == 403
    assert not Dossier.objects.exists()
