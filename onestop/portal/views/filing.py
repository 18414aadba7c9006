"""Online filing, step by step: (1) applicant and centre, (2) the electronic form (tờ khai
điện tử) when the procedure has one, (3) documents, (4) review and submit.

Works without JavaScript: each step is a plain form posting to itself, then a redirect to
the next step (POST/redirect/GET). What the citizen typed and the files already accepted are
kept in the draft (onestop.portal.staging, saved for the account) between steps, after any
refusal and until the citizen comes back.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.accounts.businesses import businesses_of
from onestop.accounts.decorators import citizen_required
from onestop.accounts.models import Business, User
from onestop.agencies.models import Agency
from onestop.catalog import selectors as cat
from onestop.catalog.models import ProcedureVersion, RequiredDocument
from onestop.core.errors import DomainError, NotFound
from onestop.core.uploads import max_bytes, max_files
from onestop.dossiers import services as svc
from onestop.dossiers.declaration import fields_of, form_document_ids, sections
from onestop.dossiers.routing import competent_routing
from onestop.dossiers.services.intake import missing_documents

from ..forms import ApplicantForm, DeclarationForm
from ..staging import Draft, StagedFile, stage_uploads


def _version(code: str) -> ProcedureVersion:
    try:
        version = cat.procedure_page(code=code)
    except ProcedureVersion.DoesNotExist as exc:
        raise Http404("No procedure in force has this code.") from exc
    if version.online_level == ProcedureVersion.OnlineLevel.NONE:
        raise Http404("This procedure is not offered online.")
    return version


STEP_LABELS = {"applicant": gettext_lazy("Applicant"),
               "declaration": gettext_lazy("Electronic form"),
               "documents": gettext_lazy("Documents"), "review": gettext_lazy("Review and send")}


def _steps(version: ProcedureVersion) -> list[str]:
    with_form = bool(fields_of(version))
    return ["applicant", *(["declaration"] if with_form else []), "documents", "review"]


def _context(version: ProcedureVersion, name: str, **extra: Any) -> dict[str, Any]:
    names = _steps(version)
    step = names.index(name) + 1
    steps = [{"number": i, "label": STEP_LABELS[n], "current": i == step, "done": i < step}
             for i, n in enumerate(names, start=1)]
    return {"version": version, "step": step, "step_count": len(names), "steps": steps,
            "nav": "file", **extra}


def _by_form(version: ProcedureVersion, draft: Draft) -> list[int]:
    """The documents the filled electronic form stands for (none until it is filled)."""
    return form_document_ids(version) if draft.declaration is not None else []


def _missing(version: ProcedureVersion, draft: Draft) -> list[RequiredDocument]:
    return missing_documents(version, draft.uploaded_document_ids() + _by_form(version, draft))


def _form_pending(version: ProcedureVersion, draft: Draft) -> bool:
    return bool(fields_of(version)) and draft.declaration is None


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
                         competent=_competent_choices(version),
                         businesses=list(businesses_of(user)))
    if request.method == "POST" and form.is_valid():
        draft.set_applicant(form.cleaned_data)
        return redirect("portal:file_declaration" if fields_of(version)
                        else "portal:file_documents", code=code)
    return render(request, "portal/filing_applicant.html",
                  _context(version, "applicant", form=form),
                  status=400 if form.errors else 200)


_PREFILL = {"full_name": "full_name", "cccd": "cccd", "phone": "phone", "email": "email"}


@citizen_required
def declaration(request: HttpRequest, code: str) -> HttpResponse:
    """The electronic form: the declaration's fields, prefilled from the account."""
    version = _version(code)
    fields = fields_of(version)
    if not fields:
        return redirect("portal:file_documents", code=code)
    draft = Draft(request, version)
    if draft.applicant is None:
        return redirect("portal:file", code=code)
    user = cast(User, request.user)
    initial = draft.declaration or {
        f.key: getattr(user, _PREFILL[f.prefill], "") for f in fields if f.prefill in _PREFILL}
    form = DeclarationForm(request.POST or None, initial=initial, fields=fields,
                           today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        draft.set_declaration(form.declaration)
        return redirect("portal:file_documents", code=code)
    return render(request, "portal/filing_declaration.html",
                  _context(version, "declaration", form=form),
                  status=400 if form.errors else 200)


@citizen_required
def documents(request: HttpRequest, code: str) -> HttpResponse:
    version = _version(code)
    draft = Draft(request, version)
    if draft.applicant is None:
        return redirect("portal:file", code=code)
    if _form_pending(version, draft):
        return redirect("portal:file_declaration", code=code)
    docs = list(version.documents.all())
    by_form = set(_by_form(version, draft))
    refused: dict[int, list[str]] = {}
    repeated: list[str] = []
    problem = ""
    if request.method == "POST":
        if request.POST.get("remove"):
            draft.remove(request.POST["remove"])
            return redirect("portal:file_documents", code=code)
        uploads = {d.pk: request.FILES.getlist(f"doc-{d.pk}") for d in docs
                   if d.pk not in by_form}
        staging = stage_uploads(draft=draft, uploads={k: v for k, v in uploads.items() if v})
        refused, repeated = staging.refused, staging.repeated
        missing = _missing(version, draft)
        if not refused and not missing:
            return redirect("portal:file_review", code=code)
        if missing and not refused:
            problem = _("Add a file for every required document: %(docs)s.") % {
                "docs": "; ".join(d.name for d in missing)}
    slots = [{"document": d, "files": draft.files_for(d.pk), "errors": refused.get(d.pk, []),
              "by_form": d.pk in by_form} for d in docs]
    return render(request, "portal/filing_documents.html", _context(
        version, "documents", slots=slots, refused=bool(refused), problem=problem,
        repeated=repeated,
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


def _business(user: User, applicant: dict[str, Any]) -> Business | None:
    """The business the filing is for (still one of the account's), or None for a person."""
    pk = applicant.get("business")
    return businesses_of(user).filter(pk=pk).first() if pk else None


def _applicant(user: User, a: dict[str, Any]) -> svc.Applicant:
    if a.get("business"):
        business = _business(user, a)
        if business is None:
            raise NotFound(_("The business you chose is no longer among yours."))
        return svc.business_applicant(business, filer_name=a["name"],
                                      filer_id_number=a["id_number"], phone=a["phone"],
                                      email=a.get("email", ""))
    return svc.Applicant(name=a["name"], id_number=a["id_number"], phone=a["phone"],
                         email=a.get("email", ""), address=a.get("address", ""),
                         account=user)


@citizen_required
def review(request: HttpRequest, code: str) -> HttpResponse:
    version = _version(code)
    draft = Draft(request, version)
    docs = list(version.documents.all())
    if draft.applicant is None:
        return redirect("portal:file", code=code)
    if _form_pending(version, draft):
        return redirect("portal:file_declaration", code=code)
    if _missing(version, draft):
        return redirect("portal:file_documents", code=code)
    a = draft.applicant
    centre = _centre(int(a["centre"]))
    if centre is None:
        messages.error(request, _("Choose the receiving centre again."))
        return redirect("portal:file", code=code)
    error = ""
    if request.method == "POST":
        try:
            applicant_ = _applicant(cast(User, request.user), a)
            with draft.submitted_documents([d.pk for d in docs]) as submitted:
                dossier = svc.dossier_submit_online(filing=svc.Filing(
                    procedure_version=version, receiving_agency=centre, applicant=applicant_,
                    documents=submitted, handling_agency=_competent(version, a),
                    declaration=draft.declaration))
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
    declared = (sections(fields_of(version), draft.declaration)
                if draft.declaration is not None else [])
    business = _business(cast(User, request.user), a)
    return render(request, "portal/filing_review.html", _context(
        version, "review", applicant=a, business=business, centre=centre, files=files,
        error=error, competent=_competent(version, a), declared=declared,
        by_form=set(_by_form(version, draft)),
    ), status=400 if error else 200)
