"""Demo data is labelled as such on every page, and only in demo mode."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

BANNER = 'class="demo-banner"'


def test_pages_carry_the_demo_banner_in_demo_mode(client, settings):
    settings.ONESTOP_DEMO = True
    for url in (reverse("backoffice:login"), reverse("portal:lookup")):
        assert BANNER in client.get(url).content.decode(), url


def test_no_demo_banner_outside_demo_mode(client, settings):
    settings.ONESTOP_DEMO = False
    assert BANNER not in client.get(reverse("backoffice:login")).content.decode()
