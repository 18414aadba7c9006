"""The installable web app: manifest, service worker, offline page, owner tag.

What the worker does in a browser (offline reading, cleared on sign-out) is proven in
onestop/e2e/test_journey.py; these check what the server hands it."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db


def test_the_manifest_describes_an_installable_app(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["name"] == "onestop Cần Thơ"
    assert data["lang"] == "vi" and data["start_url"] == "/" and data["scope"] == "/"
    assert data["display"] == "standalone"
    css = open(finders.find("portal/portal.css"), encoding="utf-8").read()
    assert f"--brand: {data['theme_color']}" in css
    assert f"--bg: {data['background_color']}" in css
    by_purpose = {(i["sizes"], i["purpose"]): i["src"] for i in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= set(by_purpose)
    for (sizes, _purpose), src in by_purpose.items():
        path = finders.find(src.removeprefix("/static/"))
        assert path, src
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == sizes


def test_the_maskable_icon_fills_its_square(client):
    with Image.open(finders.find("portal/icons/maskable-512.png")) as image:
        corners = [image.convert("RGBA").getpixel(p) for p in ((0, 0), (511, 0), (0, 511))]
    assert all(c[3] == 255 for c in corners)  # no transparent corner a launcher would show


def test_the_service_worker_is_served_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    config = json.loads(re.search(r"const CONFIG = (\{.*\});", body).group(1))
    assert config["mine"] == reverse("portal:my_dossiers")
    assert config["signOut"] == reverse("portal:logout")
    assert config["offline"] in config["shell"]
    # The shell is only static files and the offline page: no page with personal data.
    assert all(u.startswith("/static/") or u == config["offline"] for u in config["shell"])
    for url in config["shell"]:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url


def test_portal_pages_link_the_manifest_and_register_the_worker(client, citizen):
    home = client.get("/").content.decode()
    assert f'rel="manifest" href="{reverse("portal:manifest")}"' in home
    assert 'data-sw="/sw.js"' in home and 'data-owner=""' in home

    client.force_login(citizen)
    mine = client.get("/ho-so-cua-toi/").content.decode()
    owner = re.search(r'data-owner="([0-9a-f]*)"', mine).group(1)
    assert len(owner) == 20
    assert str(citizen.pk) != owner and citizen.cccd not in owner
    # The notice the worker reveals in a saved copy is there, hidden.
    assert "data-offline-notice hidden" in mine and "<time data-saved-at></time>" in mine


def test_two_citizens_have_different_owner_tags(client, citizen, other_citizen):
    tags = []
    for user in (citizen, other_citizen):
        client.force_login(user)
        tags.append(re.search(r'data-owner="([0-9a-f]*)"', client.get("/").content.decode())[1])
    assert tags[0] and tags[1] and tags[0] != tags[1]


def test_the_offline_page_is_the_same_for_everyone(client, citizen):
    anonymous = client.get("/ngoai-tuyen/")
    client.force_login(citizen)
    signed_in = client.get("/ngoai-tuyen/")
    assert anonymous.status_code == signed_in.status_code == 200
    body = signed_in.content.decode()
    assert citizen.full_name not in body
    assert "data-owner" not in body  # it never tells the worker to forget anything
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert strip.sub("", body) == strip.sub("", anonymous.content.decode())
