"""Online filing, step by step: (1) applicant and centre, (2) documents, (3) review and submit.

Works without JavaScript: each step is a plain form posting to itself, then a redirect to
the next step (POST/redirect/GET). What the citizen typed and the files already accepted are
kept in the draft (onestop.portal.staging) between steps and after any refusal.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onestop.accounts.decorators import citizen_required
from onestop.accounts.models import User
from onestop.agencies.models import Agency
from onestop.catalog import selectors as cat
from onestop.catalog.models import ProcedureVersion, RequiredDocument
from onestop.core.errors import DomainError
from onestop.core.uploads import max_bytes, max_files
from onestop.dossiers import services as svc
from onestop.dossiers.routing import competent_routing
from onestop.dossiers.services.intake import missing_documents

from ..forms import ApplicantForm
from ..staging import Draft, StagedFile, stage_uploads


def _version(code: str) -> ProcedureVersion:
    try:
        version = cat.procedure_page(code=code)
    except ProcedureVersion.DoesNotExist as exc:
        raise Http404("No procedure in force has this code.") from exc
    if version.online_level == ProcedureVersion.OnlineLevel.NONE:
        raise Http404("This procedure is not offered online.")
    return version


def _context(version: ProcedureVersion, step: int, **extra: Any) -> dict[str, Any]:
    return {"version": version, "step": step, "step_count": 3, "nav": "file", **extra}


def _missing(version: ProcedureVersion, draft: Draft) -> list[RequiredDocument]:
    return missing_documents(version, draft.uploaded_document_ids())


@citizen_required
def applicant(request: HttpRequest, code: str) -> HttpResponse:
    version = _version(code)
    draft = Draft(request, version)
    centres = cat.receiving_centres()
    user = cast(User, request.user)
    initial = draft.applicant or {
        # The account prefills the filing (issue 3); the citizen may file for someone else.
        "name": user.full_name, "id_number": user.cccd, "phone": user.phone,
        "email": user.email,
    }
    form = ApplicantForm(request.POST or None, initial=initial, centres=centres,
                         competent=_competent_choices(version))
    if request.method == "POST" and form.is_valid():
        draft.set_applicant(form.cleaned_data)
        return redirect("portal:file_documents", code=code)
    return render(request, "portal/filing_applicant.html", _context(version, 1, form=form),
                  status=400 if form.errors else 200)


@citizen_required
def documents(request: HttpRequest, code: str) -> HttpResponse:
    version = _version(code)
    draft = Draft(request, version)
    if draft.applicant is None:
        return redirect("portal:file", code=code)
    docs = list(version.documents.all())
    refused: dict[int, list[str]] = {}
    repeated: list[str] = []
    problem = ""
    if request.method == "POST":
        if request.POST.get("remove"):
            draft.remove(request.POST["remove"])
            return redirect("portal:file_documents", code=code)
        uploads = {d.pk: request.FILES.getlist(f"doc-{d.pk}") for d in docs}
        staging = stage_uploads(draft=draft, uploads={k: v for k, v in uploads.items() if v})
        refused, repeated = staging.refused, staging.repeated
        missing = _missing(version, draft)
        if not refused and not missing:
            return redirect("portal:file_review", code=code)
        if missing and not refused:
            problem = _("Add a file for every required document: %(docs)s.") % {
                "docs": "; ".join(d.name for d in missing)}
    slots = [{"document": d, "files": draft.files_for(d.pk), "errors": refused.get(d.pk, [])}
             for d in docs]
    return render(request, "portal/filing_documents.html", _context(
        version, 2, slots=slots, refused=bool(refused), problem=problem, repeated=repeated,
        max_bytes=max_bytes(), max_files=max_files(), file_count=draft.count(),
    ), status=400 if (refused or problem) else 200)


def _centre(pk: int) -> Agency | None:
    return next((a for a in cat.receiving_centres() if a.pk == pk), None)


def _competent_choices(version: ProcedureVersion) -> list[Agency]:
    return competent_routing(version=version, receiving_agency=None).choices


def _competent(version: ProcedureVersion, applicant: dict[str, Any]) -> Agency | None:
    """The competent agency the applicant chose, when the procedure has several."""
    pk = applicant.get("competent")
    return next((a for a in _competent_choices(version) if a.pk == pk), None)


@citizen_required
def review(request: HttpRequest, code: str) -> HttpResponse:
    version = _version(code)
    draft = Draft(request, version)
    docs = list(version.documents.all())
    if draft.applicant is None:
        return redirect("portal:file", code=code)
    if _missing(version, draft):
        return redirect("portal:file_documents", code=code)
    a = draft.applicant
    centre = _centre(int(a["centre"]))
    if centre is None:
        messages.error(request, _("Choose the receiving centre again."))
        return redirect("portal:file", code=code)
    error = ""
    if request.method == "POST":
        applicant_ = svc.Applicant(name=a["name"], id_number=a["id_number"], phone=a["phone"],
                                   email=a.get("email", ""), address=a.get("address", ""),
                                   account=request.user)
        try:
            with draft.submitted_documents([d.pk for d in docs]) as submitted:
                dossier = svc.dossier_submit_online(filing=svc.Filing(
                    procedure_version=version, receiving_agency=centre, applicant=applicant_,
                    documents=submitted, handling_agency=_competent(version, a)))
        except DomainError as exc:
            # Nothing is lost: the draft and its files stay for another try.
            error = str(exc)
        else:
            draft.discard()
            messages.success(request, _("Your dossier was sent. The centre will check it and "
                                        "give it a code and an appointment."))
            return redirect("portal:my_dossier", pk=dossier.pk)
    files: list[tuple[RequiredDocument, list[StagedFile]]] = [
        (d, draft.files_for(d.pk)) for d in docs]
    return render(request, "portal/filing_review.html", _context(
        version, 3, applicant=a, centre=centre, files=files, error=error,
        competent=_competent(version, a),
    ), status=400 if error else 200)
