"""One dossier: its page, the role-checked actions, its files and the printed forms.

Every state change posts to `dossier_act` (one dispatch view, action names checked against
the ACTIONS whitelist), carries the dossier version it was shown, and ends in
POST/redirect/GET. A DomainError changes nothing: the page is shown again with the
service's message and the typed input, answered with the error's HTTP status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onestop.accounts.decorators import page, staff_required
from onestop.core.errors import DomainError
from onestop.core.uploads import stored_file_response
from onestop.dossiers import selectors as sel
from onestop.dossiers import services as svc
from onestop.dossiers.declaration import fields_of, sections
from onestop.dossiers.models import ApologyLetter, Dossier, DossierDocument, Status
from onestop.dossiers.permissions import available_actions

from .. import forms as f
from .apologies import letter_forms


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
    "draft_result": ActionSpec(
        f.DraftResultForm, lambda r, d, fm: svc.dossier_draft_result(
            dossier_id=d.pk, actor=r.user, file=fm.cleaned_data["result_file"],
            note=fm.cleaned_data["note"], expected_version=_v(fm)),
        gettext_lazy("Attach the draft result"),
        gettext_lazy("Draft result attached: the leader sees it before approving."),
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
            items=fm.cleaned_data["items"],
            document_ids=[doc.pk for doc in fm.cleaned_data["documents"]],
            expected_version=_v(fm)),
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
ACTION_ORDER = ("receive", "refuse", "draft_result", "hand_over", "approve", "assign",
                "request_supplement", "supplement_received", "request_payment",
                "payment_received", "return_result", "withdraw", "stop")


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
    if action == "request_supplement":
        return {"documents": dossier.procedure_version.documents.order_by("order")}
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
    offered = available_actions(user=request.user, dossier=dossier)
    now = timezone.now()
    draft = next((a for a in dossier.apologies.all() if a.state == ApologyLetter.State.DRAFT),
                 None)
    apology_forms = None
    if draft is not None and "apology_sign" in offered:
        apology_forms = letter_forms(draft, dossier.version)
    documents = list(dossier.documents.all())
    # The specialist's latest draft, shown beside the approval (the one the leader signs).
    drafts = [d for d in documents if d.kind == DossierDocument.Kind.DRAFT_RESULT and d.file]
    draft_result = (max(drafts, key=lambda d: (d.uploaded_at, d.pk))
                    if drafts and dossier.status == Status.IN_PROCESS else None)
    signed = sel.signed_documents_of(dossier=dossier)
    signed_files = sel.signed_by_file(documents, signed)
    for doc in documents:
        doc.signature = signed_files.get(doc.pk)  # type: ignore[attr-defined]
    return page(request, "backoffice/dossier.html", {
        "dossier": dossier,
        "deadline": sel.deadline_state(dossier, now=now,
                                       soon_until=sel.due_soon_until(now=now)),
        "steps": list(dossier.steps.all()),
        "documents": documents,
        "signed": signed,
        "supplements": list(dossier.supplements.all()),
        "apologies": list(dossier.apologies.all()),
        "draft": draft,
        "draft_result": draft_result,
        # The electronic form as filed, beside its printed PDF among the documents.
        "declared": (sections(fields_of(dossier.procedure_version), dossier.declaration)
                     if dossier.declaration else []),
        "now": now,
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
    # Shown inline only when its bytes are a PDF or an image; anything else is a download
    # that runs nothing (core.uploads), whoever uploaded it.
    return stored_file_response(doc.file, inline=True)


PDF_FORMS = ("receipt", "supplement", "refusal", "apology", "stop", "control")


def _signed_or(signed: Any, render: Callable[[], bytes]) -> bytes:
    """The digitally signed copy as it was issued, else the form printed for a hand
    signature (issued without a key, or before signatures were introduced)."""
    if signed is None:
        return render()
    with signed.file.open("rb") as handle:
        return bytes(handle.read())


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
        data = _signed_or(sel.signed_form(dossier=dossier, kind="refusal"),
                          lambda: pdf.render_refusal(dossier))
    elif form == "apology":
        letters = dossier.apologies.order_by("-prepared_at", "-id")
        letter = (letters.filter(pk=wanted).first() if wanted.isdigit()
                  else letters.filter(state=ApologyLetter.State.SIGNED).first())
        if letter is None:
            raise Http404("No signed apology letter.")
        data = _signed_or(sel.signed_form(dossier=dossier, kind="apology", object_id=letter.pk),
                          lambda: pdf.render_apology(letter))
    elif form == "stop":
        if dossier.status != Status.STOPPED:
            raise Http404("Not stopped.")
        data = _signed_or(sel.signed_form(dossier=dossier, kind="stop"),
                          lambda: pdf.render_stop_notice(dossier))
    else:
        data = pdf.render_control_slip(dossier)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"{dossier.code or dossier.pk}-{form}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
