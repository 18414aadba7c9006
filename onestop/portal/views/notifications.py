"""The citizen's notification page: the in-app feed and the channels they choose."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onestop.accounts.decorators import citizen_required
from onestop.core.errors import ValidationFailed
from onestop.notifications import selectors, services
from onestop.notifications.forms import PreferenceForm


@citizen_required
def preferences(request: HttpRequest) -> HttpResponseBase:
    if request.method == "POST":
        if "mark_read" in request.POST:
            services.notification_mark_read(user=request.user)
            return redirect("portal:notifications")
        if "zalo_unlink" in request.POST:
            services.zalo_unlink(user=request.user)
            messages.success(request, _("Zalo is unlinked: no more messages there."))
            return redirect("portal:notifications")
        if "zalo_link" in request.POST:
            if request.POST.get("zalo_consent") != "1":
                messages.error(request, _("Tick the box to agree to receive messages on Zalo."))
                return redirect("portal:notifications")
            try:
                services.zalo_link(user=request.user,
                                   phone=request.POST.get("zalo_phone", "")
                                   or getattr(request.user, "phone", ""))
            except ValidationFailed as exc:
                messages.error(request, str(exc))
                return redirect("portal:notifications")
            messages.success(request, _("Zalo is linked: your notices will come there."))
            return redirect("portal:notifications")
        form = PreferenceForm(request.POST)
        if form.is_valid():
            services.preference_update(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your notification choices were saved."))
            return redirect("portal:notifications")
    else:
        pref = services.preference_of(request.user)
        form = PreferenceForm(initial={"email": pref.email, "sms": pref.sms,
                                       "in_app": pref.in_app, "push": pref.push,
                                       "language": pref.language})
    feed = list(selectors.notifications_for(user=request.user)[:30])
    response: HttpResponse = render(request, "portal/notifications.html", {
        "form": form, "feed": feed, "nav": "notifications",
        "zalo_enabled": bool(settings.ONESTOP_ZALO_URL),
        "zalo_consent": services.zalo_consent_of(request.user)})
    return response
