"""Back-office pages of the national portal: the sync's failures (why, and a resend) and
the catalog import (drafts to review and publish in the admin). Thin: the rules are
onestop.national's."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.accounts.decorators import page, staff_required
from onestop.core.errors import DomainError
from onestop.national import importing, selectors, services


@staff_required
def failed_syncs(request: HttpRequest) -> HttpResponse:
    if not services.can_manage_sync(request.user):
        raise Http404("Not for this role.")
    items = list(selectors.failed_syncs()[:200])
    return page(request, "backoffice/national/failed.html", {
        "items": items, "nav": "national",
        "may_import": importing.can_import_catalog(request.user),
    })


@staff_required
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.sync_resend(item_id=pk, actor=request.user)
        messages.success(request, _("Queued to be sent again to the national portal."))
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("backoffice:national_failed")


@staff_required
def catalog(request: HttpRequest) -> HttpResponse:
    """The national catalog: import or refresh (all, or one code) into DRAFT versions."""
    if not importing.can_import_catalog(request.user):
        raise Http404("Not for this role.")
    if request.method == "POST":
        code = request.POST.get("code", "").strip()
        if len(code) > 32:
            messages.error(request, _("A national procedure code has at most 32 characters."))
            return redirect("backoffice:national_catalog")
        run = importing.catalog_import(codes=[code] if code else None, actor=request.user)
        if run.error:
            messages.error(request, _("The national catalog could not be read: %(reason)s")
                           % {"reason": run.error})
        else:
            messages.success(request, _(
                "Imported: %(created)s new, %(changed)s changed, %(unchanged)s unchanged, "
                "%(failed)s failed. New versions are drafts: review and publish them.")
                % {k: run.counts.get(k, 0)
                   for k in ("created", "changed", "unchanged", "failed")})
        return redirect("backoffice:national_catalog")
    return page(request, "backoffice/national/catalog.html", {
        "nav": "national", "runs": selectors.catalog_imports()[:5],
        "sources": list(selectors.imported_procedures()[:300]),
        "lists": selectors.national_lists(), "may_import": True,
        "standin": settings.ONESTOP_NATIONAL_STANDIN,
    })
