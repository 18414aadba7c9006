"""Home, catalog and procedure pages: public, searchable, with what a citizen needs."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from onestop.catalog.models import ProcedureVersion

pytestmark = pytest.mark.django_db


def test_home_has_a_search_box_and_the_fields(client, city):
    body = client.get("/").content.decode()
    assert 'action="/thu-tuc/"' in body and 'name="q"' in body
    assert "?field=ho-tich" in body and "Hộ tịch" in body


@pytest.mark.parametrize("typed", ["dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "khai sinh"])
def test_catalog_search_finds_birth_registration(client, city, typed):
    response = client.get("/thu-tuc/", {"q": typed})
    assert response.status_code == 200
    assert [v.procedure.code for v in response.context["page"].object_list] == ["1.001193"]
    assert "/thu-tuc/1.001193/" in response.content.decode()


def test_catalog_filters_by_online_level(client, city):
    assert client.get("/thu-tuc/", {"level": "full"}).context["page"].paginator.count == 0
    assert client.get("/thu-tuc/", {"level": "partial"}).context["page"].paginator.count == 1


def test_procedure_page_shows_documents_fees_time_centres_and_file_online(client, city):
    doc = city.version.documents.get(order=1)
    doc.template.save("to-khai.pdf", ContentFile(b"%PDF-1.4 mau"))
    body = client.get("/thu-tuc/1.001193/").content.decode()
    for text in ("Tờ khai theo mẫu", "Giấy tờ tùy thân", "Giấy ủy quyền", "Luật Hộ tịch 2014",
                 "8.000", "Trung tâm Phục vụ hành chính công",
                 "Bộ phận Một cửa phường Ninh Kiều", f"/thu-tuc/1.001193/mau/{doc.pk}/",
                 "/nop-ho-so/1.001193/"):
        assert text in body, text
    assert "Sở Tư pháp" in body  # competent agency


def test_no_file_online_button_when_not_online(client, city):
    ProcedureVersion.objects.filter(pk=city.version.pk).update(online_level="none")
    body = client.get("/thu-tuc/1.001193/").content.decode()
    assert "/nop-ho-so/1.001193/" not in body


def test_unknown_procedure_is_404(client, city):
    assert client.get("/thu-tuc/9.999999/").status_code == 404


def test_procedure_page_shows_who_may_use_it_the_steps_and_the_conditions(client, city):
    ProcedureVersion.objects.filter(pk=city.version.pk).update(
        eligible_applicants="Công dân Việt Nam",
        applicant_steps="Chuẩn bị hồ sơ\n\nNộp hồ sơ\nNhận kết quả",
        conditions="Giấy tờ còn giá trị")
    response = client.get("/thu-tuc/1.001193/")
    body = response.content.decode()
    assert "Mã thủ tục" in body and "Mã hồ sơ" not in body
    assert "Đối tượng thực hiện" in body and "Công dân Việt Nam" in body
    assert "Trình tự thực hiện" in body
    assert "<li>Chuẩn bị hồ sơ</li><li>Nộp hồ sơ</li><li>Nhận kết quả</li>" in body
    assert "Yêu cầu, điều kiện" in body and "Giấy tờ còn giá trị" in body
    assert "nếu có" not in body  # the optional document is not tagged a second time


def test_a_form_template_downloads_from_the_procedure_page(client, city):
    doc = city.version.documents.get(order=1)
    doc.template.save("to-khai.pdf", ContentFile(b"%PDF-1.4 mau"))
    response = client.get(f"/thu-tuc/1.001193/mau/{doc.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == (
        b"%PDF-1.4 mau")
    assert "attachment" in response["Content-Disposition"]
    other = city.version.documents.get(order=2)  # no template
    assert client.get(f"/thu-tuc/1.001193/mau/{other.pk}/").status_code == 404
    assert client.get(f"/thu-tuc/9.999999/mau/{doc.pk}/").status_code == 404


def test_a_new_version_carries_its_steps_and_who_may_use_it(city):
    from onestop.catalog.services import procedure_version_copy

    ProcedureVersion.objects.filter(pk=city.version.pk).update(
        eligible_applicants="Công dân", applicant_steps="Nộp hồ sơ")
    draft = procedure_version_copy(version=ProcedureVersion.objects.get(pk=city.version.pk))
    assert draft.eligible_applicants == "Công dân" and draft.applicant_step_list() == [
        "Nộp hồ sơ"]
