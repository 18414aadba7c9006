"""The portal as an installable web app: manifest, service worker, offline page.

Progressive enhancement only: every page works without these. The service worker keeps
the app shell (stylesheets, icons, the offline page) and the signed-in citizen's own
"my dossiers" pages for offline reading; it caches nothing else. What it does, and how its
personal cache is emptied on sign-out, is described at the top of portal/sw.js.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

# Theme colours of portal.css (--brand, --bg).
THEME_COLOUR = "#0b5cad"
BACKGROUND_COLOUR = "#f4f6f8"
# Static files every page needs, cached when the worker installs.
SHELL_STATIC = ("core/base.css", "portal/portal.css", "portal/pwa.js",
                "portal/icons/icon-192.png", "portal/icons/icon-512.png",
                "portal/icons/favicon-32.png")


@require_safe
def manifest(request: HttpRequest) -> JsonResponse:
    """/manifest.webmanifest (https://www.w3.org/TR/appmanifest/)."""
    language = get_language() or "vi"
    data: dict[str, Any] = {
        "name": "onestop Cần Thơ",
        "short_name": "onestop",
        "description": _("Public services of Cần Thơ: find a procedure, file online, track "
                         "your dossiers."),
        "lang": language,
        "dir": "ltr",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static("portal/icons/icon-192.png"), "sizes": "192x192",
             "type": "image/png", "purpose": "any"},
            {"src": static("portal/icons/icon-512.png"), "sizes": "512x512",
             "type": "image/png", "purpose": "any"},
            {"src": static("portal/icons/maskable-512.png"), "sizes": "512x512",
             "type": "image/png", "purpose": "maskable"},
        ],
        "shortcuts": [
            {"name": _("My dossiers"), "url": reverse("portal:my_dossiers")},
            {"name": _("Track a dossier"), "url": reverse("portal:lookup")},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json; charset=utf-8"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@lru_cache(maxsize=1)
def _shell_version() -> str:
    """Changes whenever a shell file or the worker's own source changes, so browsers fetch
    the new worker (byte comparison) and it drops the old shell cache."""
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        path = finders.find(name)
        if isinstance(path, str):
            with open(path, "rb") as fh:
                digest.update(fh.read())
    template = get_template("portal/sw.js")
    origin = getattr(template, "origin", None)
    if origin is not None and getattr(origin, "name", None):
        with open(origin.name, "rb") as fh:
            digest.update(fh.read())
    return digest.hexdigest()[:12]


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """/sw.js, served from the site root so its scope can be the whole site."""
    version = _shell_version()
    config = {
        "version": version,
        "shell": [static(name) for name in SHELL_STATIC] + [reverse("portal:offline")],
        "offline": reverse("portal:offline"),
        "mine": reverse("portal:my_dossiers"),
        "signOut": reverse("portal:logout"),
    }
    response = render(request, "portal/sw.js", {
        "version": version,
        # JSON is valid JavaScript; "<" escaped anyway, as for any script.
        "config": json.dumps(config).replace("<", "\\u003c"),
    }, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # Browsers re-check the worker at least daily anyway; no-cache makes every check real.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    """What the worker shows for a page it cannot fetch and has not kept.

    Cached for everyone alike, so it is rendered as for an anonymous visitor: no name in the
    navigation, no messages consumed, no language-switcher return path of the caller.
    """
    return render(request, "portal/offline.html", {
        "user": AnonymousUser(), "messages": [], "language_next": "/", "offline_page": True,
    })
