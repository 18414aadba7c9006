"""Counter intake: choose the centre and the procedure, then the applicant and the papers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from onestop.accounts.decorators import page, staff_required
from onestop.agencies.selectors import receiving_centres_of
from onestop.catalog.models import ProcedureVersion
from onestop.catalog.selectors import versions_in_force
from onestop.core.errors import DomainError
from onestop.dossiers import services as svc
from onestop.dossiers.models import Channel

from .. import forms as f


def _centres_or_none(request: HttpRequest) -> list[Any]:
    return receiving_centres_of(user=request.user)


@staff_required
def intake_start(request: HttpRequest) -> HttpResponse:
    centres = _centres_or_none(request)
    if not centres:
        return page(request, "backoffice/forbidden.html", {
            "reason": _("Only one-stop officers of a receiving centre take dossiers at the "
                        "counter."),
        }, status=403)
    chosen = "version" in request.GET
    form = f.IntakeStartForm(request.GET if chosen else None, centres=centres,
                             versions=versions_in_force(),
                             initial={"centre": request.GET.get("centre")})
    if chosen and form.is_valid():
        url = reverse("backoffice:intake_details", args=[form.cleaned_data["version"].pk])
        return redirect(f"{url}?centre={form.cleaned_data['centre'].pk}")
    return page(request, "backoffice/intake_start.html", {
        "form": form, "centres": centres, "nav": "intake",
    })


@staff_required
def intake_details(request: HttpRequest, version_pk: int) -> HttpResponse:
    centres = _centres_or_none(request)
    if not centres:
        return page(request, "backoffice/forbidden.html", status=403)
    try:
        version = versions_in_force().get(pk=version_pk)
    except ProcedureVersion.DoesNotExist as exc:  # not published, or not in force today
        raise Http404("No procedure in force has this number.") from exc
    wanted = request.GET.get("centre") or request.POST.get("centre")
    centre = next((c for c in centres if str(c.pk) == str(wanted)), None)
    if centre is None:
        if len(centres) != 1:
            return redirect("backoffice:intake")
        centre = centres[0]
    form = f.IntakeForm(request.POST or None, request.FILES or None, version=version,
                        centre=centre)
    refusing = "refuse" in request.POST
    if request.method == "POST" and form.is_valid():
        try:
            if refusing:
                dossier = svc.dossier_refuse_at_counter(
                    officer=request.user, filing=form.filing(),
                    reason=form.cleaned_data["refuse_reason"])
            else:
                dossier = svc.dossier_intake_at_counter(
                    officer=request.user, filing=form.filing(),
                    channel=Channel(form.cleaned_data["channel"]),
                )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            if refusing:
                messages.success(request, _("The dossier was refused; print form 03 for the "
                                            "applicant."))
                return redirect("backoffice:dossier", dossier.pk)
            messages.success(request, _("Dossier %(code)s received.") % {"code": dossier.code})
            return redirect(reverse("backoffice:dossier", args=[dossier.pk]) + "?new=1")
    status = 400 if request.method == "POST" else 200
    return page(request, "backoffice/intake_details.html", {
        "form": form, "version": version, "centre": centre, "nav": "intake",
    }, status=status)
