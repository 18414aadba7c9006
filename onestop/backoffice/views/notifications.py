"""The staff feed in the back office (/backoffice/thong-bao/): work announced to them.

Thin: one selector to read, one service to mark read. The header's unread count comes from
the {% unread_notification_count %} tag, so every back-office page shows it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from onestop.accounts.decorators import page, staff_required
from onestop.notifications import selectors, services

FEED_SIZE = 50


@staff_required
@require_http_methods(["GET", "POST"])
def feed(request: HttpRequest) -> HttpResponseBase:
    if request.method == "POST":
        services.notification_mark_read(user=request.user)
        return redirect("backoffice:notifications")
    rows = list(selectors.notifications_for(user=request.user)[:FEED_SIZE])
    return page(request, "backoffice/notifications.html",
                {"feed": rows, "nav": "notifications"})


@staff_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Mark one notice read and go where it points (only to this site)."""
    notice = selectors.notifications_for(user=request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404("No such notification.")
    services.notification_mark_read(user=request.user, notification_id=notice.pk)
    link = notice.link
    if link.startswith(settings.PUBLIC_BASE_URL + "/"):
        link = link[len(settings.PUBLIC_BASE_URL):]
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return redirect(link)
    return redirect("backoffice:notifications")
