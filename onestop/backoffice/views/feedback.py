"""Feedback (PAKN) and ratings in the back office: the queue, one item with its role-checked
actions (draft, answer, publish, forward, close), and the ratings summary.

A DomainError changes nothing: the page is shown again with the service's message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onestop.accounts.decorators import page, staff_required
from onestop.core.errors import DomainError
from onestop.feedback import forms as f
from onestop.feedback import selectors as sel
from onestop.feedback import services as svc
from onestop.feedback.models import Feedback
from onestop.feedback.transitions import Action


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
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
    return page(request, "backoffice/feedback/queue.html", {
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
    return page(request, "backoffice/feedback/feedback.html", {
        "feedback": feedback, "actions": actions, "error": error, "nav": "feedback",
        "deadline": sel.deadline_state(feedback, now=now,
                                       soon_until=sel.due_soon_until(now=now)),
        "timeline": sel.feedback_timeline(feedback=feedback),
    }, status=status)


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, pk)


@require_POST
@staff_required
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
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
    return redirect("backoffice:feedback", pk=pk)


@staff_required
def ratings(request: HttpRequest) -> HttpResponse:
    return page(request, "backoffice/feedback/ratings.html", {
        "summary": sel.rating_summary(user=request.user),
        "recent": sel.recent_ratings(user=request.user), "nav": "ratings",
    })
