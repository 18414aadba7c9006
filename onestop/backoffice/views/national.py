"""Back-office page of the national portal sync: what failed, why, and a resend. Thin: the
rules are onestop.national's."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.accounts.decorators import page, staff_required
from onestop.core.errors import DomainError
from onestop.national import selectors, services


@staff_required
def failed_syncs(request: HttpRequest) -> HttpResponse:
    if not services.can_manage_sync(request.user):
        raise Http404("Not for this role.")
    items = list(selectors.failed_syncs()[:200])
    return page(request, "backoffice/national/failed.html", {
        "items": items, "nav": "national",
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
