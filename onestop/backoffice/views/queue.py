"""The work queues: mine, my agency, due soon, overdue, with filters."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from onestop.accounts.decorators import page, staff_required
from onestop.core.pagination import CappedPaginator
from onestop.dossiers import selectors as sel
from onestop.dossiers.models import Status
from onestop.dossiers.permissions import may
from onestop.dossiers.transitions import Action

from .. import forms as f


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    form = f.QueueFilterForm(request.GET or None, procedures=sel.procedure_filter_choices())
    tab = form.tab_value()
    now = timezone.now()
    rows = sel.dossier_queue_for(user=request.user, tab=tab, filters=form.filters(), now=now)
    page_obj = CappedPaginator(rows, 50).get_page(request.GET.get("page"))
    soon = sel.due_soon_until(now=now)
    items = [
        {
            "dossier": d,
            "deadline": sel.deadline_state(d, now=now, soon_until=soon),
            "can_receive": d.status == Status.SUBMITTED
            and may(action=Action.RECEIVE, dossier=d, user=request.user),
        }
        for d in page_obj
    ]
    tabs = [(t.value, label) for t, label in sel.QUEUE_TAB_LABELS.items()]
    ready = (sel.ready_to_return_count(user=request.user)
             if tab == sel.QueueTab.MINE and form.filters().status is None else 0)
    return page(request, "backoffice/queue.html", {
        "form": form, "tab": tab.value, "tabs": tabs, "page_obj": page_obj, "items": items,
        "nav": "queue", "ready_to_return": ready, "result_ready": Status.RESULT_READY.value,
    })
