"""The citizen's own dossiers: the list, one dossier's page and what the citizen does there
(answer a supplement request, withdraw), the receipt and the files.

Every view reads through onestop.dossiers.selectors.citizen, scoped to the signed-in
citizen (onestop.dossiers.scopes): another citizen's dossier or file is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.files import File
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.accounts.decorators import citizen_required
from onestop.core.errors import DomainError, ValidationFailed
from onestop.core.uploads import check_upload, max_bytes, max_files, stored_file_response
from onestop.dossiers import selectors as sel
from onestop.dossiers import services as svc
from onestop.dossiers.models import Dossier, DossierDocument, Status
from onestop.dossiers.transitions import Action, target_status

from ..forms import SupplementNoteForm, WithdrawForm

PAGE_SIZE = 20
OTHER = "other"


@citizen_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    page = Paginator(sel.my_dossiers(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    drafts = list(sel.my_filing_drafts(user=request.user))
    return render(request, "portal/my_dossiers.html",
                  {"page": page, "drafts": drafts, "nav": "mine"})


@citizen_required
@require_POST
def delete_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the citizen's saved drafts with its files (another's is a 404)."""
    svc.filing_draft_delete(owner=request.user, draft_id=pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("portal:my_dossiers")


def _page(request: HttpRequest, dossier: Dossier, *, status: int = 200,
          **extra: Any) -> HttpResponse:
    supplement = sel.open_supplement(dossier)
    documents = list(dossier.documents.all())
    results = ([d for d in documents if d.kind == DossierDocument.Kind.RESULT]
               if dossier.status == Status.RETURNED else [])
    signed = sel.signed_by_file(results)
    for doc in results:
        doc.signature = signed.get(doc.pk)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "dossier": dossier, "timeline": sel.citizen_timeline(dossier=dossier),
        "supplement": supplement,
        "submitted": [d for d in documents if d.kind != DossierDocument.Kind.RESULT],
        "results": results,
        "can_withdraw": target_status(Action.WITHDRAW, dossier.status) is not None,
        # Only the documents asked for (older requests named them in words only).
        "required": list(supplement.documents.order_by("order")) if supplement else [],
        "steps": list(dossier.steps.all()),
        "max_bytes": max_bytes(), "max_files": max_files(), "nav": "mine",
        "withdraw_form": WithdrawForm(initial={"version": dossier.version}),
        "supplement_form": SupplementNoteForm(initial={"version": dossier.version}),
        **_follow_ups(dossier),
        **extra,
    }
    return render(request, "portal/my_dossier.html", context, status=status)


def _follow_ups(dossier: Dossier) -> dict[str, Any]:
    """Rating once returned, fees while awaiting payment. Read only in those statuses, so
    each status keeps a fixed number of queries."""
    extra: dict[str, Any] = {"rating": None, "can_rate": False, "owed": 0, "open_payment": None}
    if dossier.status == Status.RETURNED:
        from onestop.feedback.selectors import rating_for

        extra["rating"] = rating_for(dossier)
        extra["can_rate"] = extra["rating"] is None
    elif dossier.status == Status.AWAITING_PAYMENT:
        from onestop.dossiers.selectors import open_payment_for_dossier
        from onestop.dossiers.services import outstanding

        extra["owed"] = outstanding(dossier_id=dossier.pk)
        extra["open_payment"] = open_payment_for_dossier(dossier_id=dossier.pk)
    return extra


@citizen_required
def my_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, sel.my_dossier(user=request.user, pk=pk))


@citizen_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = sel.my_dossier(user=request.user, pk=pk)
    if not dossier.code:
        raise Http404("Not received yet.")
    from onestop.dossiers.pdf import render_receipt

    response = HttpResponse(render_receipt(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-receipt.pdf"'
    return response


@citizen_required
def document(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    doc = sel.my_document(user=request.user, dossier_pk=pk, doc_pk=doc_pk)
    return stored_file_response(doc.file, inline=doc.kind != DossierDocument.Kind.RESULT)


@citizen_required
@require_POST
def answer_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the missing documents: the supplement is received and the clock resumes."""
    dossier = sel.my_dossier(user=request.user, pk=pk)
    form = SupplementNoteForm(request.POST)
    supplement = sel.open_supplement(dossier)
    asked = list(supplement.documents.all()) if supplement else []
    slots: list[tuple[str, int | None]] = [(str(d.pk), d.pk) for d in asked]
    slots.append((OTHER, None))
    uploads = [(doc_id, f) for key, doc_id in slots for f in request.FILES.getlist(f"doc-{key}")]
    errors: list[str] = []
    documents: list[svc.SubmittedDocument] = []
    for doc_id, upload in uploads:
        try:
            kind = check_upload(upload, files_already=len(documents))
        except ValidationFailed as exc:
            errors.append(str(exc))
            continue
        stem = get_valid_filename((upload.name or "").rsplit(".", 1)[0])[:60] or "tep"
        documents.append(svc.SubmittedDocument(
            required_document_id=doc_id, name="" if doc_id else _("Supplement"),
            file=File(upload, name=f"{stem}{kind.extension}")))
    if errors or not form.is_valid():
        return _page(request, dossier, status=400, supplement_errors=errors,
                     supplement_form=form)
    names = {d.pk: d.name for d in asked}
    documents = [d if d.name else svc.SubmittedDocument(
        required_document_id=d.required_document_id,
        name=names.get(d.required_document_id or 0, ""), file=d.file) for d in documents]
    try:
        svc.dossier_supplement_received(
            dossier_id=dossier.pk, actor=request.user, documents=documents,
            note=form.cleaned_data["note"], expected_version=form.cleaned_data["version"])
    except DomainError as exc:
        return _page(request, dossier, status=exc.http_status, supplement_errors=[str(exc)],
                     supplement_form=form)
    messages.success(request, _("Thank you: the documents were received and processing "
                                "resumes."))
    return redirect("portal:my_dossier", pk=dossier.pk)


@citizen_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = sel.my_dossier(user=request.user, pk=pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _page(request, dossier, status=400, withdraw_form=form)
    try:
        svc.dossier_withdraw(dossier_id=dossier.pk, actor=request.user,
                             reason=form.cleaned_data["reason"],
                             expected_version=form.cleaned_data["version"])
    except DomainError as exc:
        form.add_error(None, str(exc))
        return _page(request, dossier, status=exc.http_status, withdraw_form=form)
    messages.success(request, _("Your dossier was withdrawn."))
    return redirect("portal:my_dossier", pk=dossier.pk)


@citizen_required
@require_POST
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    """"Pay online": the payment for what the dossier owes (the same pending one when the
    button is pressed again), then its page /thanh-toan/<reference>/."""
    from onestop.dossiers.services import payment_for_dossier

    dossier = sel.my_dossier(user=request.user, pk=pk)
    try:
        created = payment_for_dossier(dossier_id=dossier.pk, creator=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("portal:my_dossier", pk=dossier.pk)
    return redirect("portal:pay", reference=created.payment.reference)
