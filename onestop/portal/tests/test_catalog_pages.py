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
