"""No page loads a script, a style sheet or a font from another host (a CDN): closed
government networks cannot reach one, and a page that needs one is blank there.

Every route without parameters is fetched as a visitor, a citizen and a staff member, plus
the pages of a procedure and a dossier, and the API docs; each HTML answer's <script src>,
<link href> (style sheets, preloads, icons) and inline `url(...)`/`@import` must be local.
The static CSS and JS files the pages load are read too.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import URLPattern, URLResolver, get_resolver

from onestop.accounts.services import citizen_sign_up
from onestop.dossiers import services as svc
from onestop.testing import make_city

pytestmark = pytest.mark.django_db

EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.I)


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.found.append(values["src"] or "")
        if tag == "link" and values.get("href") and (values.get("rel") or "").lower() in (
                "stylesheet", "preload", "modulepreload", "icon", "preconnect", "manifest"):
            self.found.append(values["href"] or "")
        if values.get("style"):
            self.found.extend(CSS_URL.findall(values["style"] or ""))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found.extend(CSS_URL.findall(data))


def external_assets(html: str) -> list[str]:
    parser = _Assets()
    parser.feed(html)
    return [url for url in parser.found if EXTERNAL.match(url)]


def _plain_routes() -> list[str]:
    """Paths of every route that takes no parameter."""
    out: list[str] = []

    def walk(patterns: list[object], prefix: str) -> None:
        for p in patterns:
            route = str(p.pattern)
            if "<" in route or "(?P" in route or route.startswith("^"):
                continue
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                out.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(out))


def test_the_checker_sees_a_cdn_script_style_and_font() -> None:
    html = ('<script src="https://cdn.example.net/x.js"></script>'
            '<link rel="stylesheet" href="//fonts.example.net/css">'
            '<style>@font-face{src:url("https://fonts.example.net/a.woff2")}</style>'
            '<script src="/static/local.js"></script>')
    assert external_assets(html) == ["https://cdn.example.net/x.js", "//fonts.example.net/css",
                                      "https://fonts.example.net/a.woff2"]


def test_no_page_loads_a_script_style_or_font_from_another_host(client, settings) -> None:
    settings.DEBUG = False
    city = make_city()
    citizen = citizen_sign_up(full_name="Nguyễn Thị Hoa", cccd="092187001001",
                              phone="0900000001", email="hoa@example.com",
                              password="mat-khau-an-toan-2026")
    filed = svc.dossier_submit_online(filing=city.filing(
        name=citizen.full_name, id_number=citizen.cccd, phone=citizen.phone, account=citizen))
    paths = [*_plain_routes(), f"/thu-tuc/{city.version.procedure.code}/",
             f"/ho-so-cua-toi/{filed.pk}/", f"/backoffice/dossiers/{filed.pk}/",
             "/api/v1/docs", "/khong-co-trang-nay/"]
    checked = 0
    found: dict[str, list[str]] = {}
    for who in (None, citizen, city.officer, city.admin):
        client.logout()
        if who is not None:
            client.force_login(who)
        for path in paths:
            if "logout" in path or "dang-xuat" in path:
                continue
            response = client.get(path)
            if "text/html" not in response.get("Content-Type", ""):
                continue
            checked += 1
            bad = external_assets(response.content.decode("utf-8", "replace"))
            if bad:
                found[f"{path} ({who or 'visitor'})"] = bad
    assert checked > 40
    assert not found, found


def test_static_styles_and_scripts_load_nothing_from_another_host() -> None:
    bad: dict[str, list[str]] = {}
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            if not path.endswith((".css", ".js")) or path.endswith(".map"):
                continue
            text = Path(storage.path(path)).read_text(encoding="utf-8", errors="replace")
            hits = CSS_URL.findall(text) if path.endswith(".css") else re.findall(
                r"""(?:importScripts|import)\s*\(\s*['"]((?:https?:)?//[^'"]+)""", text)
            if hits:
                bad[path] = hits
    assert not bad, bad
