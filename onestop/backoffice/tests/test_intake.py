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


def test_a_counter_officer_refuses_a_paper_dossier_and_prints_form_03(client, city):
    client.force_login(city.officer)
    url = reverse("backoffice:intake_details", args=[city.version.pk]) + f"?centre={city.centre.pk}"
    data = _post_data(city, skip={1, 2}, refuse="1",
                      refuse_reason="Thủ tục không thuộc thẩm quyền của cơ quan")
    response = client.post(url, data)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.status == Status.REFUSED and dossier.code is None and dossier.channel == 1
    page = client.get(response.url).content.decode()
    form03 = reverse("backoffice:dossier_form", args=[dossier.pk, "refusal"])
    assert form03 in page
    pdf = client.get(form03)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_refusing_at_the_counter_needs_a_reason(client, city):
    client.force_login(city.officer)
    url = reverse("backoffice:intake_details", args=[city.version.pk]) + f"?centre={city.centre.pk}"
    response = client.post(url, _post_data(city, refuse="1", refuse_reason=" "))
    assert response.status_code == 400 and not Dossier.objects.exists()
    assert "lý do" in response.content.decode()


def test_a_business_is_received_at_the_counter_and_found_by_its_tax_code(client, city):
    client.force_login(city.officer)
    url = reverse("backoffice:intake_details", args=[city.version.pk]) + f"?centre={city.centre.pk}"
    data = _post_data(city, applicant_name="Công ty TNHH Lúa Vàng", applicant_kind="organisation",
                      applicant_tax_code="1800123456-001", applicant_id_number="",
                      applicant_representative="Trương Văn Lộc", result_delivery="post")
    assert client.post(url, data).status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.is_organisation and dossier.applicant_tax_code == "1800123456-001"
    assert dossier.result_delivery == "post"
    queue = client.get(reverse("backoffice:home"), {"tab": "agency", "q": "1800123456"})
    assert dossier.code in queue.content.decode()


def test_the_intake_page_preselects_the_counters_commune_never_the_first_one(client, city):
    from onestop.agencies.models import AdministrativeUnit, Agency
    from onestop.catalog.models import ProcessStep

    ninh_kieu = AdministrativeUnit.objects.get(code="31135")
    binh_thuy = AdministrativeUnit.objects.get(code="31168")
    nk = Agency.objects.create(code="000.03.01.H99", name="Ủy ban nhân dân Phường Ninh Kiều",
                               kind=Agency.Kind.COMMUNE_COMMITTEE, unit=ninh_kieu)
    bt = Agency.objects.create(code="000.03.02.H99", name="Ủy ban nhân dân Phường Bình Thủy",
                               kind=Agency.Kind.COMMUNE_COMMITTEE, unit=binh_thuy)
    city.commune.unit, city.commune.parent = ninh_kieu, nk
    city.commune.save(update_fields=["unit", "parent"])
    city.version.competent_agencies.set([bt, nk])
    ProcessStep.objects.filter(version=city.version).exclude(kind="receive").update(agency=None)
    client.force_login(city.outsider)
    url = reverse("backoffice:intake_details", args=[city.version.pk])
    body = client.get(url + f"?centre={city.commune.pk}").content.decode()
    assert f'<option value="{nk.pk}" selected>' in body
    assert f'<option value="{bt.pk}" selected>' not in body


def test_the_officer_side_asks_for_the_personal_identification_number_not_the_cccd(client,
                                                                                  city):
    """Law on Identification 2023: the 12-digit number on every identity paper (the old
    CCCD card, the new thẻ căn cước, the VNeID account) is the 'số định danh cá nhân'."""
    client.force_login(city.officer)
    url = reverse("backoffice:intake_details", args=[city.version.pk]) + f"?centre={city.centre.pk}"
    first = city.version.documents.get(order=1)
    data = _post_data(city)
    data[f"doc_{first.pk}_file"] = SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4 scan",
                                                      content_type="application/pdf")
    form_page = client.get(url).content.decode()
    dossier_page = client.get(client.post(url, data).url).content.decode()
    for body in (form_page, dossier_page):
        assert "Số định danh cá nhân" in body and "CCCD" not in body
    bad = client.post(url, _post_data(city, applicant_id_number="12345")).content.decode()
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in bad and "CCCD" not in bad
