"""Pages for ratings and feedback. Thin: parse input, call one service or selector, render.

Public: /danh-gia/<dossier>/ (the applicant rates), /phan-anh/ (published feedback),
/phan-anh/gui/ (send), /phan-anh/da-gui/ (confirmation), /phan-anh/tra-cuu/ (look up).
Back office: /backoffice/phan-anh/… (queue, one item, actions), /backoffice/danh-gia/.
A DomainError changes nothing: the page is shown again with the service's message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onestop.accounts.decorators import page, staff_required
from onestop.core.errors import DomainError
from onestop.core.ratelimit import lookup_over_limit
from onestop.dossiers.models import Status

from . import forms as f
from . import selectors as sel
from . import services as svc
from .models import Feedback
from .transitions import Action

SESSION_SENT = "onestop_feedback_sent"
PUBLIC_PAGE_SIZE = 20


def _citizen_login_url() -> str:
    """The citizens' sign-in page once it exists (staff and citizens never share one)."""
    for name in ("accounts:login", "portal:login"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return str(settings.LOGIN_URL)


# ---- rating -------------------------------------------------------------------------------------

def rate(request: HttpRequest, dossier_pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), _citizen_login_url())
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
                return redirect("feedback:rate", dossier_pk=dossier.pk)
        else:
            status = 400
    return render(request, "feedback/rate.html", {
        "dossier": dossier, "rating": rating, "form": form, "can_rate": can_rate,
        "returned": dossier.status == Status.RETURNED,
    }, status=status)


# ---- feedback: public ---------------------------------------------------------------------------

def public_list(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(sel.published_feedback(), PUBLIC_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "feedback/public_list.html", {"page_obj": page_obj,
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
                return redirect("feedback:sent")
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
    return render(request, "feedback/send.html", {"form": form, "nav": "feedback"},
                  status=status)


def sent(request: HttpRequest) -> HttpResponse:
    info = request.session.get(SESSION_SENT)
    if not info:
        return redirect("feedback:send")
    return render(request, "feedback/sent.html", {
        "code": info["code"], "deadline": parse_datetime(info["deadline"]), "nav": "feedback",
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
    return render(request, "feedback/lookup.html", context, status=status)


# ---- feedback: back office ----------------------------------------------------------------------

@staff_required
def bo_queue(request: HttpRequest) -> HttpResponse:
    try:
        tab = sel.QueueTab(request.GET.get("tab", sel.QueueTab.OPEN))
    except ValueError:
        tab = sel.QueueTab.OPEN
    now = timezone.now()
    page_obj = Paginator(sel.feedback_queue_for(user=request.user, tab=tab, now=now), 50
                         ).get_page(request.GET.get("page"))
    soon = sel.due_soon_until(now=now)
    items = [{"feedback": fb, "deadline": sel.deadline_state(fb, now=now, soon_until=soon)}
             for fb in page_obj]
    return page(request, "feedback/bo_queue.html", {
        "tab": tab.value, "tabs": [(t.value, label) for t, label in sel.QUEUE_TAB_LABELS.items()],
        "page_obj": page_obj, "items": items, "nav": "feedback",
    })


@dataclass(frozen=True)
class ActionSpec:
    form: type[f.VersionedForm]
    run: Callable[[HttpRequest, Feedback, Any], object]
    label: Any
    done: Any
    danger: bool = False


def _v(form: f.VersionedForm) -> int:
    return int(form.cleaned_data["version"])


ACTIONS: dict[str, ActionSpec] = {
    Action.DRAFT: ActionSpec(
        f.DraftForm, lambda r, fb, fm: svc.feedback_save_draft(
            feedback_id=fb.pk, actor=r.user, answer=fm.cleaned_data["answer"],
            expected_version=_v(fm)),
        gettext_lazy("Save the draft answer"), gettext_lazy("Draft saved."),
    ),
    Action.ANSWER: ActionSpec(
        f.AnswerForm, lambda r, fb, fm: svc.feedback_answer(
            feedback_id=fb.pk, actor=r.user, answer=fm.cleaned_data["answer"],
            publish=bool(fm.cleaned_data.get("publish")), expected_version=_v(fm)),
        gettext_lazy("Approve and send the answer"), gettext_lazy("Answer approved."),
    ),
    Action.PUBLISH: ActionSpec(
        f.PublishForm, lambda r, fb, fm: svc.feedback_publish(
            feedback_id=fb.pk, actor=r.user, expected_version=_v(fm)),
        gettext_lazy("Publish on the portal"), gettext_lazy("Published on the portal."),
    ),
    Action.FORWARD: ActionSpec(
        f.ForwardForm, lambda r, fb, fm: svc.feedback_forward(
            feedback_id=fb.pk, actor=r.user, agency_id=fm.cleaned_data["agency"].pk,
            reason=fm.cleaned_data["reason"], expected_version=_v(fm)),
        gettext_lazy("Forward to another agency"), gettext_lazy("Feedback forwarded."),
    ),
    Action.CLOSE: ActionSpec(
        f.CloseForm, lambda r, fb, fm: svc.feedback_close(
            feedback_id=fb.pk, actor=r.user, reason=fm.cleaned_data["reason"],
            expected_version=_v(fm)),
        gettext_lazy("Close"), gettext_lazy("Feedback closed."), danger=True,
    ),
}


def _form_for(name: str, feedback: Feedback, data: Any = None) -> f.VersionedForm:
    kwargs: dict[str, Any] = {"prefix": name}
    if name == Action.FORWARD:
        kwargs["agencies"] = sel.forward_targets(feedback=feedback)
    if data is not None:
        return ACTIONS[name].form(data, **kwargs)
    initial: dict[str, Any] = {"version": feedback.version}
    if name in (Action.DRAFT, Action.ANSWER):
        initial["answer"] = feedback.answer
    return ACTIONS[name].form(initial=initial, **kwargs)


def _render_detail(request: HttpRequest, pk: int, *, bound: dict[str, f.VersionedForm] | None =
                   None, error: str = "", status: int = 200) -> HttpResponse:
    feedback = sel.feedback_for_staff(user=request.user, pk=pk)
    offered = sel.available_actions(user=request.user, feedback=feedback)
    bound = bound or {}
    actions = []
    for name, spec in ACTIONS.items():
        if name not in offered and name not in bound:
            continue
        form = bound.get(name) or _form_for(name, feedback)
        if name == Action.ANSWER and not feedback.consent_publish:
            form.fields.pop("publish", None)
        actions.append({"name": name, "form": form, "label": spec.label,
                        "danger": spec.danger})
    now = timezone.now()
    return page(request, "feedback/bo_detail.html", {
        "feedback": feedback, "actions": actions, "error": error, "nav": "feedback",
        "deadline": sel.deadline_state(feedback, now=now,
                                       soon_until=sel.due_soon_until(now=now)),
        "timeline": sel.feedback_timeline(feedback=feedback),
    }, status=status)


@staff_required
def bo_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, pk)


@require_POST
@staff_required
def bo_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("Unknown action.")
    feedback = sel.feedback_for_staff(user=request.user, pk=pk)
    form = _form_for(action, feedback, data=request.POST)
    if not form.is_valid():
        return _render_detail(request, pk, bound={action: form},
                              error=_("Check the highlighted fields."), status=400)
    try:
        ACTIONS[action].run(request, feedback, form)
    except DomainError as exc:
        return _render_detail(request, pk, bound={action: form}, error=str(exc),
                              status=exc.http_status)
    messages.success(request, str(ACTIONS[action].done))
    return redirect("feedback:bo_detail", pk=pk)


@staff_required
def bo_ratings(request: HttpRequest) -> HttpResponse:
    return page(request, "feedback/bo_ratings.html", {
        "summary": sel.rating_summary(user=request.user),
        "recent": sel.recent_ratings(user=request.user), "nav": "ratings",
    })
