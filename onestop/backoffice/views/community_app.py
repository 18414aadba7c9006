"""The team members' visit app: an installable page that records household visits with no
signal and sends them when the signal returns.

The page is an app shell with no personal data (it is the same for everyone, rendered as for
an anonymous visitor, so that its service worker can keep it): the member signs in inside
the app with POST /api/v1/auth/staff/token; the visits wait in the browser's IndexedDB, each
with the id made on the phone, and go to POST /api/v1/community/visits/batch, which stores a
visit sent twice once. Everything it needs is served by this app (no CDN): the page, its
script (backoffice/community-app.js), the stylesheets, the worker and the manifest.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

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

from onestop.community.selectors import help_kinds

STATIC = ("core/base.css", "backoffice/backoffice.css", "backoffice/community-app.js",
          "portal/icons/icon-192.png")
TEMPLATES = ("backoffice/community/app.html", "backoffice/community/app-sw.js")


@lru_cache(maxsize=1)
def _version() -> str:
    """Changes with any file of the shell, so the browser installs the new worker."""
    digest = hashlib.sha256()
    paths = [finders.find(name) for name in STATIC]
    for name in TEMPLATES:
        origin = getattr(get_template(name), "origin", None)
        paths.append(getattr(origin, "name", None))
    for path in paths:
        if isinstance(path, str):
            with open(path, "rb") as fh:
                digest.update(fh.read())
    return digest.hexdigest()[:12]


def _strings() -> dict[str, str]:
    """What the script says, translated here (the script itself holds no text)."""
    return {
        "pending": _("Waiting to be sent: %(count)s"),
        "offline": _("No signal: visits are kept on this phone and sent when it returns."),
        "online": _("Online."),
        "syncing": _("Sending…"),
        "synced": _("All visits sent."),
        "retry": _("Could not reach the server; the visits are kept and sent later."),
        "signed_out": _("Sign in to send the visits kept on this phone."),
        "signin_offline": _("Signing in needs a signal."),
        "signin_failed": _("Sign-in refused."),
        "need_help": _("Tick what the household was helped with."),
        "saved": _("Visit kept on this phone."),
        "state_pending": _("waiting"),
        "state_stored": _("sent"),
        "state_conflict": _("conflict"),
        "state_refused": _("refused by the server"),
        "resend_new": _("Send as a new visit"),
        "remove": _("Remove from this phone"),
        "no_team": _("Your account is in no team: ask your commune."),
    }


@require_safe
def app(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/community/app.html", {
        "user": AnonymousUser(), "messages": [], "language_next": reverse(
            "backoffice:community_app"),
        "kinds": help_kinds(), "strings": _strings(), "api": "/api/v1",
        "worker": reverse("backoffice:community_app_sw"),
        "scope": reverse("backoffice:community_app"),
    })


@require_safe
def app_worker(request: HttpRequest) -> HttpResponse:
    version = _version()
    page = reverse("backoffice:community_app")
    config = {"version": version, "page": page,
              "shell": [page, *(static(name) for name in STATIC)]}
    response = render(request, "backoffice/community/app-sw.js", {
        "version": version, "config": json.dumps(config).replace("<", "\\u003c"),
    }, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def app_manifest(request: HttpRequest) -> JsonResponse:
    page = reverse("backoffice:community_app")
    response = JsonResponse({
        "name": _("Community digital team visits"), "short_name": _("Team visits"),
        "lang": get_language() or "vi", "id": page, "start_url": page, "scope": page,
        "display": "standalone", "theme_color": "#0b5cad", "background_color": "#f4f6f8",
        "icons": [{"src": static("portal/icons/icon-192.png"), "sizes": "192x192",
                   "type": "image/png"},
                  {"src": static("portal/icons/icon-512.png"), "sizes": "512x512",
                   "type": "image/png"}],
    }, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json; charset=utf-8"
    return response
