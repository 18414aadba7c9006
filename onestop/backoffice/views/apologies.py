"""Apology letters (form 04) waiting for a leader: sign with the new appointment, or dismiss."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.accounts.decorators import page, staff_required
from onestop.core.errors import Conflict, DomainError
from onestop.dossiers import selectors as sel
from onestop.dossiers import services as svc
from onestop.dossiers.models import ApologyLetter

from .. import forms as f


def letter_forms(letter: ApologyLetter, version: int) -> dict[str, f.ActionForm]:
    return {
        "sign": f.ApologySignForm(prefix=f"sign{letter.pk}", initial={
            "version": version, "reason": letter.reason,
            "new_appointment": letter.proposed_appointment_at,
        }),
        "dismiss": f.ApologyDismissForm(prefix=f"dismiss{letter.pk}",
                                        initial={"version": version}),
    }


@staff_required
def apologies(request: HttpRequest) -> HttpResponse:
    letters = list(sel.apology_drafts_for(user=request.user))
    rows = [{"letter": a, "forms": letter_forms(a, a.dossier.version)} for a in letters]
    return page(request, "backoffice/apologies.html", {"rows": rows, "nav": "apologies"})


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


@require_POST
@staff_required
def apology_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ("sign", "dismiss"):
        raise Http404("Unknown action.")
    letter = sel.apology_letter_for(user=request.user, pk=pk)
    back = _safe_next(request, reverse("backoffice:apologies"))
    form_class = f.ApologySignForm if action == "sign" else f.ApologyDismissForm
    form = form_class(request.POST, prefix=f"{action}{letter.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    try:
        # The apology services lock the letter and refuse a second signature; the version
        # check adds the same "stale page" answer as the other actions.
        if letter.dossier.version != form.cleaned_data["version"]:
            raise Conflict()
        if action == "sign":
            svc.apology_sign(letter_id=letter.pk, leader=request.user,
                             reason=form.cleaned_data["reason"],
                             new_appointment=form.cleaned_data["new_appointment"])
            messages.success(request, _("Apology signed; the new appointment applies."))
        else:
            svc.apology_dismiss(letter_id=letter.pk, leader=request.user,
                                reason=form.cleaned_data["reason"])
            messages.success(request, _("Apology draft dismissed."))
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(back)
