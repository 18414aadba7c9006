"""The citizen's catalog: home, search and browse, one procedure's page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import cache_control

from onestop.catalog import selectors as cat
from onestop.catalog.models import ProcedureVersion, RequiredDocument
from onestop.core.uploads import stored_file_response
from onestop.dossiers import selectors as dossier_selectors

from ..forms import CatalogFilterForm
from ..page_cache import cached_for_anonymous
from .help import hotline

PAGE_SIZE = 20


@cached_for_anonymous
def home(request: HttpRequest) -> HttpResponse:
    # Cached for anonymous visitors like the catalog pages: the "frequently used" list counts
    # 90 days of dossiers (the costliest query of the page on a big city), and a list at most
    # ONESTOP_PUBLIC_PAGE_SECONDS old says the same thing (perf/mixed: 18 % of the peak mix).
    return render(request, "portal/home.html", {
        "fields": cat.fields_in_force(), "nav": "home",
        "frequent": dossier_selectors.frequently_used_procedures(limit=6),
        "hotline": hotline(),
    })


@cache_control(public=True, max_age=60)
def suggest(request: HttpRequest) -> JsonResponse:
    """/thu-tuc/goi-y/?q=…: up to 8 procedures for the search box as one types (accent- and
    case-blind, the catalog search's own ranking). Read by portal/suggest.js."""
    query = request.GET.get("q", "")[:100]
    return JsonResponse({"results": [
        {"code": v.procedure.code, "name": v.name, "field": v.field.name,
         "url": reverse("portal:procedure", args=[v.procedure.code])}
        for v in cat.suggestions(query=query)
    ]})


@cached_for_anonymous
def catalog(request: HttpRequest) -> HttpResponse:
    fields = cat.fields_in_force()
    form = CatalogFilterForm(request.GET or None, fields=fields,
                             agencies=cat.competent_agencies_in_force())
    values = form.values()
    page = Paginator(cat.procedure_search(**values), PAGE_SIZE).get_page(request.GET.get("page"))
    # The filters, for the pagination links (without the page number).
    kept = urlencode([(k, str(v)) for k, v in request.GET.items() if k != "page" and v])
    return render(request, "portal/catalog.html", {
        "form": form, "page": page, "kept": kept, "fields": fields, "nav": "catalog",
        "searched": any(values.values()),
    })


def blank_form(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    """A required document's blank form, downloaded (never shown: it runs nothing)."""
    try:
        document = cat.blank_form(code=code, document_id=document_id)
    except RequiredDocument.DoesNotExist as exc:
        raise Http404("No blank form here.") from exc
    return stored_file_response(document.template)


def procedure(request: HttpRequest, code: str) -> HttpResponse:
    try:
        version = cat.procedure_page(code=code)
    except ProcedureVersion.DoesNotExist as exc:
        raise Http404("No procedure in force has this code.") from exc
    documents = list(version.documents.all())
    return render(request, "portal/procedure.html", {
        "version": version, "documents": documents,
        "required_documents": [d for d in documents if not d.optional],
        "optional_documents": [d for d in documents if d.optional],
        "templates": [d for d in documents if d.template],
        "fees": list(version.fees.all()), "agencies": list(version.competent_agencies.all()),
        "centres": cat.receiving_centres(),
        "online": version.online_level != ProcedureVersion.OnlineLevel.NONE,
        "nav": "catalog",
    })

