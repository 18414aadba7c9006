"""The city guide in the back office, for the tourism office's staff: what waits for review
(businesses' suggested edits, producers, citizens' traffic reports), places (publish, hide,
import GeoJSON or CSV) and the traffic report sources with their API keys."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.accounts.decorators import area_required, page
from onestop.core.errors import DomainError
from onestop.guide.models import (
    CitizenReport,
    Place,
    PlaceSuggestion,
    Producer,
    ReviewState,
    RoadSegment,
    TrafficSource,
)
from onestop.guide.services import ocop, places, traffic, transfer

MAX_IMPORT = 20 * 1024 * 1024


@area_required("guide")
def review(request: HttpRequest) -> HttpResponse:
    return page(request, "backoffice/guide/review.html", {
        "suggestions": PlaceSuggestion.objects.filter(state=ReviewState.PENDING)
        .select_related("place"),
        "producers": Producer.objects.filter(state=ReviewState.PENDING).select_related("commune"),
        "reports": CitizenReport.objects.filter(state=ReviewState.PENDING)
        .select_related("segment"),
        "segments": RoadSegment.objects.order_by("name"), "nav": "guide"})


@area_required("guide")
@require_POST
def review_act(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    approve = request.POST.get("decision") == "approve"
    try:
        if kind == "suggestion":
            places.suggestion_review(actor=request.user, suggestion_id=pk, approve=approve,
                                     note=request.POST.get("note", ""))
        elif kind == "producer":
            ocop.producer_review(actor=request.user, producer_id=pk, approve=approve)
        elif kind == "report":
            traffic.citizen_report_review(actor=request.user, report_id=pk, approve=approve,
                                          segment_code=request.POST.get("segment", ""))
        else:
            raise DomainError(_("Unknown kind of review."))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Approved.") if approve else _("Rejected."))
    return redirect("backoffice:guide")


@area_required("guide")
def place_list(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None or not upload.size or upload.size > MAX_IMPORT:
                raise transfer.PlacesImportRefused([_("Choose a file of at most 20 MB.")])
            made = transfer.places_import(actor=request.user, data=upload.read(),
                                          filename=upload.name or "")
        except transfer.PlacesImportRefused as exc:
            errors = [str(exc), *exc.errors]
        except DomainError as exc:
            errors = [str(exc)]
        else:
            messages.success(request, _("%(count)s places imported and published.")
                             % {"count": len(made)})
            return redirect("backoffice:guide_places")
    rows = Place.objects.select_related("commune").order_by("state", "name")[:500]
    return page(request, "backoffice/guide/places.html", {
        "places": rows, "errors": errors, "columns": ", ".join(transfer.CSV_COLUMNS),
        "nav": "guide"}, status=422 if errors else 200)


@area_required("guide")
@require_POST
def place_state(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        places.place_set_state(actor=request.user, place_id=pk,
                               state=request.POST.get("state", ""))
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("backoffice:guide_places")


@area_required("guide")
def sources(request: HttpRequest) -> HttpResponse:
    new_key = ""
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("revoke"):
                traffic.traffic_key_revoke(actor=request.user, prefix=request.POST["revoke"])
                messages.success(request, _("The key was revoked."))
                return redirect("backoffice:guide_sources")
            _source, new_key = traffic.traffic_source_create(
                actor=request.user, code=request.POST.get("code", ""),
                name=request.POST.get("name", ""))
        except DomainError as exc:
            error = str(exc)
    return page(request, "backoffice/guide/sources.html", {
        "sources": TrafficSource.objects.prefetch_related("api_keys"), "new_key": new_key,
        "error": error, "nav": "guide"}, status=400 if error else 200)
