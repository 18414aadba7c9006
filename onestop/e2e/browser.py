"""Helpers of the browser tests: real upload files, axe-core, the 360 px check, sign-ins."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "assets" / "axe.min.js"
# Impact levels that fail a page (axe-core's four: minor, moderate, serious, critical).
BLOCKING = ("serious", "critical")
PHONE = {"width": 360, "height": 740}
STAFF_PASSWORD = "test-pass-123"  # onestop.testing.make_user


def pdf_bytes(text: str = "onestop") -> bytes:
    """A real one-page PDF (Pillow writes it), not a few magic bytes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (420, 595), "white")
    ImageDraw.Draw(image).text((40, 60), text, fill="black")
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=72)
    return out.getvalue()


def png_bytes(colour: str = "#0b5cad") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, format="PNG")
    return out.getvalue()


def upload(name: str, data: bytes, mime: str) -> dict[str, Any]:
    return {"name": name, "mimeType": mime, "buffer": data}


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations of the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy
        # (script-src 'self', no inline scripts) does not govern; a <script> tag would be blocked.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v.get("impact") in BLOCKING
    ]


def horizontal_overflow(page: Any) -> int:
    """Pixels the page is wider than the viewport (0 when nothing scrolls sideways)."""
    return int(page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def local_only(context: Any, site: str) -> list[str]:
    """Abort every request to another host (as on a closed network); returns their URLs."""
    blocked: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(site):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return blocked


def menu_rows(page: Any) -> int:
    """How many rows the site menu takes (issue 16: one at 1280 px)."""
    return int(page.evaluate(
        "() => new Set([...document.querySelectorAll('.site-nav li')]"
        ".map(li => Math.round(li.getBoundingClientRect().top))).size"))


def check_page(page: Any, label: str, problems: list[str]) -> None:
    """Collect axe's serious/critical violations and sideways scrolling at 360 px."""
    for v in axe_violations(page):
        problems.append(f"{label}: axe {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}")
    if page.viewport_size and page.viewport_size["width"] == PHONE["width"]:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{label}: {width} px wide at 360 px (scrolls sideways)")


def sign_up(page: Any, site: str, *, name: str, cccd: str, phone: str, email: str,
            password: str) -> None:
    page.goto(f"{site}/tai-khoan/dang-ky/")
    page.fill("#id_full_name", name)
    page.fill("#id_cccd", cccd)
    page.fill("#id_phone", phone)
    page.fill("#id_email", email)
    page.fill("#id_password1", password)
    page.fill("#id_password2", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def sign_in_citizen(page: Any, site: str, *, login: str, password: str) -> None:
    page.goto(f"{site}/tai-khoan/dang-nhap/")
    page.fill("#id_username", login)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def sign_in_staff(page: Any, site: str, username: str) -> None:
    response = page.goto(f"{site}/backoffice/login/")
    assert response is not None and response.status == 200 and page.locator(
        "#id_username").count() == 1, (response and response.status, page.url,
                                        page.content()[:3000])
    page.fill("#id_username", username)
    page.fill("#id_password", STAFF_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def act(page: Any, site: str, dossier_pk: int, action: str, *,
        fill: dict[str, str] | None = None, files: dict[str, Any] | None = None,
        select: dict[str, str] | None = None) -> None:
    """Submit one action form of the back-office dossier page and wait for the result."""
    page.goto(f"{site}/backoffice/dossiers/{dossier_pk}/")
    form = page.locator(f"form[action$='/dossiers/{dossier_pk}/act/{action}/']")
    for name, value in (fill or {}).items():
        form.locator(f"[name='{action}-{name}']").fill(value)
    for name, value in (select or {}).items():
        form.locator(f"[name='{action}-{name}']").select_option(value)
    for name, value in (files or {}).items():
        form.locator(f"[name='{action}-{name}']").set_input_files(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def dossier_pk_from(url: str) -> int:
    found = re.search(r"/ho-so-cua-toi/(\d+)/", url)
    assert found, url
    return int(found.group(1))
