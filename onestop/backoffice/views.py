"""Staff pages. Thin: parse input, call one service or selector, render.

Every state change posts to `dossier_act` (one dispatch view, action names checked against
the ACTIONS whitelist) or `apology_act`, carries the dossier version it was shown, and ends
in POST/redirect/GET. A DomainError changes nothing: the page is shown again with the
service's message and the typed input, answered with the error's HTTP status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import LoginView, LogoutView, redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onestop.accounts.forms import StaffAuthenticationForm
from onestop.agencies.models import Role
from onestop.agencies.selectors import is_staff_member, receiving_centres_of
from onestop.catalog.models import ProcedureVersion
from onestop.catalog.selectors import versions_in_force
from onestop.core.errors import Conflict, DomainError
from onestop.core.pagination import CappedPaginator
from onestop.dossiers import selectors as sel
from onestop.dossiers import services as svc
from onestop.dossiers.models import ApologyLetter, Channel, Dossier, DossierDocument, Status
from onestop.dossiers.transitions import Action

from . import forms as f

View = Callable[..., HttpResponseBase]


# ---- access ---------------------------------------------------------------------------------

def staff_required(view: View) -> View:
    """Signed in (else the login page) and holding at least one role (else a 403 page)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_member(user=request.user):
            return render(request, "backoffice/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def page(request: HttpRequest, template: str, context: Mapping[str, Any] | None = None,
         *, status: int = 200) -> HttpResponse:
    """Render a staff page with the header's facts (one query for the user's roles)."""
    memberships = sel.memberships_of(user=request.user)
    roles = {m.role for m in memberships}
    header = {
        "memberships": memberships,
        "is_officer": Role.OFFICER in roles,
        "is_leader": Role.LEADER in roles,
        "is_agency_admin": Role.ADMIN in roles or request.user.is_superuser,
    }
    return render(request, template, {**header, **(context or {})}, status=status)


class StaffLoginView(LoginView):
    template_name = "backoffice/login.html"
    # Refuses accounts without a staff role: citizens have their own sign-in (issue 3).
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True
    next_page = "backoffice:home"  # a URL name: resolve_url turns it into the path


class StaffLogoutView(LogoutView):
    next_page = "backoffice:login"


# ---- work queues ------------------------------------------------------------------------------

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
            and sel.may(action=Action.RECEIVE, dossier=d, user=request.user),
        }
        for d in page_obj
    ]
    tabs = [(t.value, label) for t, label in sel.QUEUE_TAB_LABELS.items()]
    return page(request, "backoffice/queue.html", {
        "form": form, "tab": tab.value, "tabs": tabs, "page_obj": page_obj, "items": items,
        "nav": "queue",
    })


# ---- counter intake ---------------------------------------------------------------------------

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
    if request.method == "POST" and form.is_valid():
        try:
            dossier = svc.dossier_intake_at_counter(
                officer=request.user, filing=form.filing(),
                channel=Channel(form.cleaned_data["channel"]),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Dossier %(code)s received.") % {"code": dossier.code})
            return redirect(reverse("backoffice:dossier", args=[dossier.pk]) + "?new=1")
    status = 400 if request.method == "POST" else 200
    return page(request, "backoffice/intake_details.html", {
        "form": form, "version": version, "centre": centre, "nav": "intake",
    }, status=status)


# ---- one dossier -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActionSpec:
    form: type[f.ActionForm]
    run: Callable[[HttpRequest, Dossier, Any], object]
    label: Any
    done: Any
    danger: bool = False


def _v(form: f.ActionForm) -> int:
    return form.cleaned_data["version"]


ACTIONS: dict[str, ActionSpec] = {
    "receive": ActionSpec(
        f.ReceiveForm, lambda r, d, fm: svc.dossier_receive(
            dossier_id=d.pk, officer=r.user, expected_version=_v(fm)),
        gettext_lazy("Receive"), gettext_lazy("Dossier received."),
    ),
    "refuse": ActionSpec(
        f.RefuseForm, lambda r, d, fm: svc.dossier_refuse(
            dossier_id=d.pk, officer=r.user, reason=fm.cleaned_data["reason"],
            expected_version=_v(fm)),
        gettext_lazy("Refuse"), gettext_lazy("Dossier refused."), danger=True,
    ),
    "hand_over": ActionSpec(
        f.HandOverForm, lambda r, d, fm: svc.dossier_hand_over(
            dossier_id=d.pk, actor=r.user, note=fm.cleaned_data["note"],
            assignee=fm.cleaned_data["assignee"], expected_version=_v(fm)),
        gettext_lazy("Hand over to the next step"), gettext_lazy("Dossier handed over."),
    ),
    "assign": ActionSpec(
        f.AssignForm, lambda r, d, fm: svc.dossier_assign(
            dossier_id=d.pk, actor=r.user, assignee=fm.cleaned_data["assignee"],
            expected_version=_v(fm)),
        gettext_lazy("Assign"), gettext_lazy("Step assigned."),
    ),
    "approve": ActionSpec(
        f.ApproveForm, lambda r, d, fm: svc.dossier_approve(
            dossier_id=d.pk, actor=r.user, note=fm.cleaned_data["note"],
            expected_version=_v(fm)),
        gettext_lazy("Approve: result ready"), gettext_lazy("Result approved."),
    ),
    "request_supplement": ActionSpec(
        f.RequestSupplementForm, lambda r, d, fm: svc.dossier_request_supplement(
            dossier_id=d.pk, actor=r.user, reason=fm.cleaned_data["reason"],
            items=fm.cleaned_data["items"], expected_version=_v(fm)),
        gettext_lazy("Request a supplement"),
        gettext_lazy("Supplement requested; the clock is paused."),
    ),
    "supplement_received": ActionSpec(
        f.SupplementReceivedForm, lambda r, d, fm: svc.dossier_supplement_received(
            dossier_id=d.pk, actor=r.user, documents=fm.documents(),
            note=fm.cleaned_data["note"], expected_version=_v(fm)),
        gettext_lazy("Supplement received"),
        gettext_lazy("Supplement received; the clock runs again."),
    ),
    "request_payment": ActionSpec(
        f.RequestPaymentForm, lambda r, d, fm: svc.dossier_request_payment(
            dossier_id=d.pk, actor=r.user, amount=fm.cleaned_data["amount"],
            reason=fm.cleaned_data["reason"], expected_version=_v(fm)),
        gettext_lazy("Request payment of a financial obligation"),
        gettext_lazy("Payment requested."),
    ),
    "payment_received": ActionSpec(
        f.PaymentReceivedForm, lambda r, d, fm: svc.dossier_payment_received(
            dossier_id=d.pk, actor=r.user, reference=fm.cleaned_data["reference"],
            expected_version=_v(fm)),
        gettext_lazy("Payment received"), gettext_lazy("Payment recorded; processing goes on."),
    ),
    "stop": ActionSpec(
        f.StopForm, lambda r, d, fm: svc.dossier_stop(
            dossier_id=d.pk, actor=r.user, reason=fm.cleaned_data["reason"],
            expected_version=_v(fm)),
        gettext_lazy("Stop processing"), gettext_lazy("Processing stopped."), danger=True,
    ),
    "withdraw": ActionSpec(
        f.WithdrawForm, lambda r, d, fm: svc.dossier_withdraw(
            dossier_id=d.pk, actor=r.user, reason=fm.cleaned_data["reason"],
            expected_version=_v(fm)),
        gettext_lazy("Record withdrawal"), gettext_lazy("Withdrawal recorded."), danger=True,
    ),
    "return_result": ActionSpec(
        f.ReturnResultForm, lambda r, d, fm: svc.dossier_return_result(
            dossier_id=d.pk, officer=r.user, result_file=fm.cleaned_data["result_file"],
            note=fm.cleaned_data["note"], expected_version=_v(fm)),
        gettext_lazy("Return the result"), gettext_lazy("Result returned to the applicant."),
    ),
}
# Shown in this order on the page.
ACTION_ORDER = ("receive", "refuse", "hand_over", "approve", "assign", "request_supplement",
                "supplement_received", "request_payment", "payment_received", "return_result",
                "withdraw", "stop")


def _form_kwargs(action: str, dossier: Dossier) -> dict[str, Any]:
    """Choices that depend on the dossier: who may take the next (or current) step."""
    if action == "hand_over":
        nxt = sel.next_step_of(dossier)
        people = sel.staff_for_step(agency_id=nxt.agency_id if nxt else 0,
                                    role=nxt.role if nxt else "")
        return {"people": people}
    if action == "assign":
        step = dossier.current_step
        people = sel.staff_for_step(agency_id=step.agency_id if step else 0,
                                    role=step.role if step else "")
        return {"people": people}
    return {}


def _action_forms(dossier: Dossier, offered: set[str],
                  bound: Mapping[str, f.ActionForm]) -> list[dict[str, Any]]:
    out = []
    for name in ACTION_ORDER:
        if name not in offered and name not in bound:
            continue
        spec = ACTIONS[name]
        form = bound.get(name) or spec.form(
            prefix=name, initial={"version": dossier.version}, **_form_kwargs(name, dossier)
        )
        out.append({"name": name, "form": form, "label": spec.label, "danger": spec.danger,
                    "multipart": form.is_multipart()})
    return out


def _render_detail(request: HttpRequest, pk: int, *,
                   bound: Mapping[str, f.ActionForm] | None = None, error: str = "",
                   status: int = 200) -> HttpResponse:
    dossier = sel.dossier_detail_for(user=request.user, pk=pk)
    offered = sel.available_actions(user=request.user, dossier=dossier)
    now = timezone.now()
    draft = next((a for a in dossier.apologies.all() if a.state == ApologyLetter.State.DRAFT),
                 None)
    apology_forms = None
    if draft is not None and "apology_sign" in offered:
        apology_forms = _apology_forms(draft, dossier.version)
    return page(request, "backoffice/dossier.html", {
        "dossier": dossier,
        "deadline": sel.deadline_state(dossier, now=now,
                                       soon_until=sel.due_soon_until(now=now)),
        "steps": list(dossier.steps.all()),
        "documents": list(dossier.documents.all()),
        "supplements": list(dossier.supplements.all()),
        "apologies": list(dossier.apologies.all()),
        "draft": draft,
        "apology_forms": apology_forms,
        "timeline": sel.dossier_timeline(dossier=dossier),
        "actions": _action_forms(dossier, offered, bound or {}),
        "error": error,
        "just_received": request.GET.get("new") == "1",
        "has_signed_apology": any(a.state == ApologyLetter.State.SIGNED
                                  for a in dossier.apologies.all()),
    }, status=status)


@staff_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, pk)


@require_POST
@staff_required
def dossier_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404("Unknown action.")
    dossier = sel.dossier_in_scope(user=request.user, pk=pk)
    form = spec.form(request.POST, request.FILES, prefix=action,
                     **_form_kwargs(action, dossier))
    if not form.is_valid():
        return _render_detail(request, pk, bound={action: form},
                              error=_("Check the highlighted fields."), status=400)
    try:
        spec.run(request, dossier, form)
    except DomainError as exc:
        return _render_detail(request, pk, bound={action: form}, error=str(exc),
                              status=exc.http_status)
    messages.success(request, str(spec.done))
    return redirect("backoffice:dossier", pk=pk)


@staff_required
def dossier_document(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    dossier = sel.dossier_in_scope(user=request.user, pk=pk)
    try:
        doc = DossierDocument.objects.get(pk=doc_pk, dossier=dossier)
    except DossierDocument.DoesNotExist as exc:
        raise Http404("No such document.") from exc
    if not doc.file:
        raise Http404("This document was received on paper only.")
    return FileResponse(doc.file.open("rb"), as_attachment=False,
                        filename=doc.file.name.rsplit("/", 1)[-1])


PDF_FORMS = ("receipt", "supplement", "refusal", "apology", "control")


@staff_required
def dossier_form_pdf(request: HttpRequest, pk: int, form: str) -> HttpResponse:
    """The legal forms of Circular 03/2025/TT-VPCP as PDF, shown inline for printing."""
    if form not in PDF_FORMS:
        raise Http404("Unknown form.")
    dossier = sel.dossier_in_scope(user=request.user, pk=int(pk))  # re_path passes a str
    try:
        # Imported here: the PDF package is written separately and may not be installed yet.
        from onestop.dossiers import pdf
    except ImportError:
        return HttpResponse(_("Printable forms are not available yet."), status=503,
                            content_type="text/plain; charset=utf-8")
    wanted = request.GET.get("id", "")
    if form == "receipt":
        if not dossier.code:
            raise Http404("Not received yet.")
        data = pdf.render_receipt(dossier)
    elif form == "supplement":
        requests = dossier.supplements.order_by("-requested_at", "-id")
        request_obj = (requests.filter(pk=wanted).first() if wanted.isdigit()
                       else requests.first())
        if request_obj is None:
            raise Http404("No supplement request.")
        data = pdf.render_supplement_request(request_obj)
    elif form == "refusal":
        if dossier.status != Status.REFUSED:
            raise Http404("Not refused.")
        data = pdf.render_refusal(dossier)
    elif form == "apology":
        letters = dossier.apologies.order_by("-prepared_at", "-id")
        letter = (letters.filter(pk=wanted).first() if wanted.isdigit()
                  else letters.filter(state=ApologyLetter.State.SIGNED).first())
        if letter is None:
            raise Http404("No signed apology letter.")
        data = pdf.render_apology(letter)
    else:
        data = pdf.render_control_slip(dossier)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"{dossier.code or dossier.pk}-{form}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# ---- apology letters -----------------------------------------------------------------------

def _apology_forms(letter: ApologyLetter, version: int) -> dict[str, f.ActionForm]:
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
    rows = [{"letter": a, "forms": _apology_forms(a, a.dossier.version)} for a in letters]
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
