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


TEXT_FIELDS = ("name", "name_en", "category", "commune_code", "address", "lat", "lon", "phone",
               "website", "price_range", "accessibility", "description", "description_en")


def _hours_text(hours: dict[str, list[list[str]]]) -> str:
    return "\n".join(f"{day}: " + ", ".join(f"{a}-{b}" for a, b in intervals)
                     for day, intervals in hours.items())


def _hours_from(text: str) -> dict[str, list[list[str]]] | str:
    """'mon: 07:00-11:00, 13:00-17:00' per line into the hours' shape (checked by the
    service); a line that is not of that form comes back as its text, to be named."""
    hours: dict[str, list[list[str]]] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        day, sep, rest = line.partition(":")
        intervals = [part.strip().split("-") for part in rest.split(",") if part.strip()]
        if not sep or any(len(i) != 2 for i in intervals):
            return line.strip()
        hours[day.strip().lower()] = [[a.strip(), b.strip()] for a, b in intervals]
    return hours


@area_required("guide")
def place_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new place (published at once or kept as a draft) or an existing one's fields and
    photos; every change through the guide's services."""
    from onestop.guide.models import PlaceCategory, PriceRange

    place = Place.objects.select_related("commune").filter(pk=pk).first() if pk else None
    if pk and place is None:
        from django.http import Http404

        raise Http404("No such place.")
    error = ""
    if request.method == "POST":
        post = request.POST
        data: dict[str, object] = {key: post.get(key, "") for key in TEXT_FIELDS}
        data["approximate"] = post.get("approximate") == "1"
        data["closed_at_tet"] = post.get("closed_at_tet") == "1"
        hours = _hours_from(post.get("opening_hours", ""))
        try:
            if isinstance(hours, str):
                raise DomainError(_("Write each day's hours as “mon: 07:00-11:00, "
                                    "13:00-17:00”: %(line)s") % {"line": hours})
            data["opening_hours"] = hours
            if place is None:
                place = places.place_create(actor=request.user, data=data,
                                            publish=post.get("publish") == "1")
            else:
                place = places.place_update(actor=request.user, place_id=place.pk, changes=data,
                                            expected_version=int(post.get("version") or 0))
            if request.FILES.get("photo"):
                places.place_photo_add(actor=request.user, place_id=place.pk,
                                       upload=request.FILES["photo"],
                                       caption=post.get("caption", ""))
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("backoffice:guide_place", pk=place.pk)
    values = request.POST if error else ({
        **{key: getattr(place, key) for key in TEXT_FIELDS if key != "commune_code"},
        "commune_code": place.commune_id, "approximate": place.approximate,
        "closed_at_tet": place.closed_at_tet, "version": place.version,
        "opening_hours": _hours_text(place.opening_hours)} if place else {})
    from django.conf import settings

    from onestop.agencies.models import AdministrativeUnit

    return page(request, "backoffice/guide/place_form.html", {
        "place": place, "values": values, "error": error,
        "categories": PlaceCategory.choices, "prices": PriceRange.choices,
        "communes": AdministrativeUnit.objects.filter(
            province_code=settings.ONESTOP_PROVINCE_CODE).order_by("name"),
        "photos": list(place.photos.all()) if place else [], "nav": "guide"},
        status=400 if error else 200)
