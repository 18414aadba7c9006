"""Every 403/404/500 is the platform's own page: translated, in the right frame, with a way
back; an officer who opens a dossier of another unit is told which unit handles it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from onestop.testing import make_user

pytestmark = pytest.mark.django_db


def test_an_unknown_page_is_the_platforms_own_vietnamese_404_with_a_way_home(client):
    response = client.get("/khong-co-trang-nay/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Not Found" not in body and "Không tìm thấy trang này" in body
    assert f'href="{reverse("portal:home")}"' in body and 'lang="vi"' in body


def test_the_404_speaks_english_after_the_switch(client):
    client.cookies["django_language"] = "en"
    body = client.get("/no-such-page/").content.decode()
    assert "We could not find this page" in body and "Back to the home page" in body


def test_a_back_office_404_keeps_the_back_office_frame_and_leads_to_the_queue(client, city):
    client.force_login(city.officer)
    response = client.get("/backoffice/dossiers/999999/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "backoffice/base.html" in [t.name for t in response.templates]
    assert f'href="{reverse("backoffice:home")}"' in body
    assert "Không có hồ sơ nào thuộc phạm vi của bạn mang số này" in body


def test_an_officer_of_another_unit_is_told_which_units_handle_the_dossier(
        client, city, intake):
    dossier = intake()
    client.force_login(city.outsider)
    response = client.get(reverse("backoffice:dossier", args=[dossier.pk]))
    body = response.content.decode()
    assert response.status_code == 404
    assert dossier.code in body
    assert city.justice.name in body and city.centre.name in body


def test_a_user_without_a_role_learns_nothing_about_the_dossier(client, city, intake):
    dossier = intake()
    client.force_login(make_user("nobody", "Không Vai Trò"))
    response = client.get(reverse("backoffice:dossier", args=[dossier.pk]))
    assert dossier.code not in response.content.decode()


def test_a_forbidden_page_is_the_platforms_own_403(client, city, rf):
    from django.core.exceptions import PermissionDenied

    from onestop.core.error_pages import permission_denied

    request = rf.get("/thu-tuc/")
    request.user = city.officer
    response = permission_denied(request, PermissionDenied())
    body = response.content.decode()
    assert response.status_code == 403
    assert "Bạn không được mở trang này" in body and "Về trang chủ" in body


def test_a_server_error_is_the_platforms_own_500_without_touching_the_database(settings, city):
    settings.DEBUG = False
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    from django.urls import path

    import onestop.urls as root

    def boom(request):
        raise RuntimeError("boom")

    root.urlpatterns.insert(0, path("__boom__/", boom))
    try:
        from django.urls import clear_url_caches
        clear_url_caches()
        response = Client(raise_request_exception=False).get("/__boom__/")
    finally:
        root.urlpatterns.pop(0)
        clear_url_caches()
    body = response.content.decode()
    assert response.status_code == 500
    assert "Đã có lỗi ở phía chúng tôi" in body and 'href="/"' in body
