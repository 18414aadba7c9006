"""Ratings and feedback (PAKN) for citizens: /danh-gia/<dossier>/ (the applicant rates),
/phan-anh/ (published feedback), /phan-anh/gui/ (send), /phan-anh/da-gui/ (confirmation),
/phan-anh/tra-cuu/ (look up). A DomainError changes nothing: the page is shown again with
the service's message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from onestop.core.errors import DomainError
from onestop.core.ratelimit import lookup_over_limit
from onestop.dossiers.models import Status
from onestop.feedback import forms as f
from onestop.feedback import selectors as sel
from onestop.feedback import services as svc

SESSION_SENT = "onestop_feedback_sent"
PUBLIC_PAGE_SIZE = 20


# ---- rating -------------------------------------------------------------------------------------

def rate(request: HttpRequest, dossier_pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("portal:login"))
    dossier = sel.dossier_for_rating(user=request.user, pk=dossier_pk)
    rating = sel.rating_for(dossier)
    criteria = sel.active_criteria()
    can_rate = rating is None and dossier.status == Status.RETURNED
    form = f.RatingForm(request.POST if can_rate and request.method == "POST" else None,
                        criteria=criteria)
    status = 200
    if can_rate and request.method == "POST":
        if form.is_valid():
            try:
                svc.rating_submit(dossier_id=dossier.pk, citizen=request.user,
                                  scores=form.scores(), comment=form.cleaned_data["comment"])
            except DomainError as exc:
                form.add_error(None, str(exc))
                status = exc.http_status
            else:
                messages.success(request, _("Thank you: your rating has been recorded."))
                return redirect("portal:rate", dossier_pk=dossier.pk)
        else:
            status = 400
    return render(request, "portal/feedback/rate.html", {
        "dossier": dossier, "rating": rating, "form": form, "can_rate": can_rate,
        "returned": dossier.status == Status.RETURNED,
    }, status=status)


# ---- feedback: public ---------------------------------------------------------------------------

def public_list(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(sel.published_feedback(), PUBLIC_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "portal/feedback/public_list.html", {"page_obj": page_obj,
                                                         "nav": "feedback"})


def send(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = f.FeedbackForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                feedback = svc.feedback_submit(
                    sender_name=data["sender_name"], contact=data["contact"],
                    subject=data["subject"], content=data["content"],
                    consent_publish=data["consent_publish"],
                    procedure_code=data["procedure_code"], dossier_code=data["dossier_code"],
                    dossier_factor=data["dossier_factor"] or "", sender=user,
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                # The code is shown once, to this browser only (not in the URL).
                request.session[SESSION_SENT] = {
                    "code": feedback.code, "deadline": feedback.deadline_at.isoformat(),
                }
                return redirect("portal:feedback_sent")
        status = 400
    else:
        initial = {
            "procedure_code": request.GET.get("thu-tuc", "")[:32],
            "dossier_code": request.GET.get("ho-so", "")[:40],
        }
        if user.is_authenticated:
            initial["sender_name"] = getattr(user, "display_name", "") or ""
            initial["contact"] = user.email or getattr(user, "phone", "") or ""
        form = f.FeedbackForm(initial=initial)
        status = 200
    return render(request, "portal/feedback/send.html", {
        "form": form, "nav": "feedback", "answer_days": svc.feedback_answer_days(),
    }, status=status)


def sent(request: HttpRequest) -> HttpResponse:
    info = request.session.get(SESSION_SENT)
    if not info:
        return redirect("portal:feedback_send")
    return render(request, "portal/feedback/sent.html", {
        "code": info["code"], "deadline": parse_datetime(info["deadline"]), "nav": "feedback",
        "answer_days": svc.feedback_answer_days(),
    })


def _over_limit(request: HttpRequest) -> bool:
    return lookup_over_limit(request, scope="feedback-lookup")


def lookup(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"nav": "feedback", "language_next": request.path}
    status = 200
    if "contact" in request.GET:
        form = f.FeedbackLookupForm(request.GET)
        if _over_limit(request):
            context["error"] = _("Too many lookups from your connection. Wait a few minutes "
                                 "and try again.")
            status = 429
        elif form.is_valid():
            result = sel.public_feedback_lookup(code=form.cleaned_data["code"],
                                                contact=form.cleaned_data["contact"])
            context["result"] = result
            context["not_found"] = result is None
        # Never echo the contact back; keep the code so a typo is easy to fix.
        form = f.FeedbackLookupForm(initial={"code": request.GET.get("code", "")[:20]})
    else:
        form = f.FeedbackLookupForm(initial={"code": request.GET.get("code", "")[:20]})
    context["form"] = form
    return render(request, "portal/feedback/lookup.html", context, status=status)
