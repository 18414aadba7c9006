"""Whole-page cache of the public catalog pages (and the home page) for anonymous visitors.

The catalog search page costs ~20 ms of queries (field counts, agencies, the count and the
page of hits) and form rendering, and its answer is the same for every anonymous visitor
asking the same question in the same language on the same day. So the rendered page is
cached per (full path with its query, language, day, catalog generation). The generation
is a counter in the cache, bumped after any save or delete of what those pages show (see
`connect`), so a catalog change is visible at once in this process and, with a shared cache
such as Redis, everywhere; with the per-process default cache another process serves a page
at most ONESTOP_PUBLIC_PAGE_SECONDS old, the same rule as the public lookup.

Signed-in visitors (their name is in the navigation), requests with pending messages and
pages that used a CSRF token are never served from or stored in the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

_GENERATION = "onestop:catalog-gen"


def catalog_generation() -> int:
    return int(cache.get(_GENERATION, 0))


def bump_catalog_generation() -> None:
    try:
        cache.incr(_GENERATION)
    except ValueError:  # not cached yet (or evicted): any new number invalidates old pages
        cache.set(_GENERATION, catalog_generation() + 1, timeout=None)


def page_key(request: HttpRequest) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return (f"onestop:catalog-page:{get_language()}:{timezone.localdate().isoformat()}:"
            f"{catalog_generation()}:{digest}")


def _cacheable(request: HttpRequest) -> bool:
    return (request.method in ("GET", "HEAD") and not request.user.is_authenticated
            and len(get_messages(request)) == 0)


def cached_for_anonymous(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve and store the view's 200 answers to anonymous visitors (see the module doc)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        body = cache.get(key)
        if body is not None:
            return HttpResponse(body)
        response = view(request, *args, **kwargs)
        if (response.status_code == 200 and not response.streaming and not response.cookies
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")):
            cache.set(key, response.content, settings.ONESTOP_PUBLIC_PAGE_SECONDS)
        return response

    return wrapper


def _changed(sender: Any, **kwargs: Any) -> None:
    # Now, and again after commit: a page rendered between the first bump and the commit
    # (old data) would otherwise stay cached under the new generation.
    bump_catalog_generation()
    transaction.on_commit(bump_catalog_generation)


def connect() -> None:
    """Bump the generation when anything the catalog pages show changes."""
    from onestop.agencies.models import Agency
    from onestop.catalog.models import Fee, Field, Procedure, ProcedureVersion, RequiredDocument

    for model in (Field, Procedure, ProcedureVersion, RequiredDocument, Fee, Agency):
        uid = f"portal.page_cache.{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + ".saved")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ".deleted")
    m2m_changed.connect(_changed, sender=ProcedureVersion.competent_agencies.through,
                        dispatch_uid="portal.page_cache.competent_agencies")
