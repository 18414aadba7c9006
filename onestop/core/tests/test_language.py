"""Pages are Vietnamese by default, whatever the browser says, until English is chosen."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_vietnamese_pages(client):
    response = client.get(reverse("portal:lookup"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.content.decode()


def test_choosing_english_with_the_switcher_sticks(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get(reverse("portal:lookup"))
    assert response.headers["Content-Language"] == "en"
