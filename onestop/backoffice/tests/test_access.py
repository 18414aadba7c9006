"""Who may enter the back office and which dossiers they see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onestop.testing import make_user

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("backoffice:login"))


def test_staff_signs_in_and_lands_on_the_queue(client, city):
    response = client.post(reverse("backoffice:login"),
                           {"username": "officer", "password": "test-pass-123"})
    assert response.status_code == 302 and response.url == reverse("backoffice:home")
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Trần Thị Bình" in page.content.decode()


def test_user_without_any_role_gets_a_clear_403_page(client, db):
    citizen = make_user("citizen", "Công Dân")
    client.force_login(citizen)
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 403
    assert "backoffice/forbidden.html" in [t.name for t in response.templates]


def test_logout_is_a_post(client, city):
    client.force_login(city.officer)
    assert client.get(reverse("backoffice:logout")).status_code == 405
    response = client.post(reverse("backoffice:logout"))
    assert response.status_code == 302
    assert client.get(reverse("backoffice:home")).status_code == 302


def test_officer_of_another_centre_gets_404_on_the_dossier_page(client, city, intake):
    dossier = intake()
    client.force_login(city.outsider)
    assert client.get(reverse("backoffice:dossier", args=[dossier.pk])).status_code == 404
    url = reverse("backoffice:dossier_act", args=[dossier.pk, "hand_over"])
    assert client.post(url, {"hand_over-version": dossier.version}).status_code == 404
    client.force_login(city.officer)
    assert client.get(reverse("backoffice:dossier", args=[dossier.pk])).status_code == 200


def test_specialist_of_the_competent_agency_sees_the_dossier(client, city, intake):
    dossier = intake()
    client.force_login(city.specialist)
    response = client.get(reverse("backoffice:dossier", args=[dossier.pk]))
    assert response.status_code == 200
    assert dossier.code in response.content.decode()
