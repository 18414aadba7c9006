"""The city guide's pages: places (search, nearby, map, export), OCOP products (showcase,
product pages with schema.org data, feeds), traffic (map and list, a citizen's report) and the
tax page. Thin: parse, call one selector or service, render.

Maps use Leaflet served from this site (django-leaflet's copy); tiles come only from
ONESTOP_GUIDE_TILE_URL and, without it or without a network, the map draws places and roads
over a plain background while the list beside it stays the way in.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from onestop.accounts.decorators import citizen_required
from onestop.agencies.models import AdministrativeUnit
from onestop.core.errors import DomainError, ValidationFailed
from onestop.core.ratelimit import lookup_over_limit
from onestop.guide import selectors as sel
from onestop.guide.geo import province_bounds
from onestop.guide.hours import DAYS, closed_for_tet_on, is_open, tet_days
from onestop.guide.models import (
    CongestionLevel,
    OcopCategory,
    OcopProduct,
    PlaceCategory,
    TrafficKind,
)
from onestop.guide.services.places import suggestion_submit
from onestop.guide.services.traffic import citizen_report_submit
from onestop.guide.services.transfer import places_csv, places_geojson

PAGE_SIZE = 20
MAP_LIMIT = 2000  # markers drawn on the map page; the list pages through the rest


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def _name(obj: Any) -> str:
    return str((getattr(obj, "name_en", "") if _english() else "") or obj.name)


def _kept(request: HttpRequest) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])


def _communes() -> list[AdministrativeUnit]:
    return list(AdministrativeUnit.objects.filter(province_code=settings.ONESTOP_PROVINCE_CODE)
                .order_by("name"))


def _bounds() -> list[list[float]]:
    b = province_bounds()
    return [[float(b.south), float(b.west)], [float(b.north), float(b.east)]]


def _map_config(features: list[dict[str, Any]], *, lines: bool = False) -> dict[str, Any]:
    return {"tiles": settings.ONESTOP_GUIDE_TILE_URL,
            "attribution": settings.ONESTOP_GUIDE_TILE_ATTRIBUTION,
            "bounds": _bounds(), "features": features, "lines": lines,
            "label": _("Map")}


def guide_home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/guide/home.html", {"nav": "guide"})


# --------------------------------------------------------------------------- places


def places(request: HttpRequest) -> HttpResponse:
    """/dia-diem/: search (accent-blind), category and commune filters, or nearby a point."""
    q = request.GET.get("q", "").strip()[:200]
    category = request.GET.get("category", "")
    commune = request.GET.get("commune", "")[:5]
    lat, lon = request.GET.get("lat", "").strip(), request.GET.get("lon", "").strip()
    errors: dict[str, str] = {}
    if category and category not in PlaceCategory.values:
        errors["category"] = _("Choose a category from the list.")
        category = ""
    rows: list[dict[str, Any]] = []
    nearby = bool(lat or lon)
    if nearby:
        from onestop.guide.geo import check_in_province

        try:
            la, lo = check_in_province(lat, lon)
            radius = max(100, min(int(request.GET.get("radius_m") or 2000), sel.MAX_RADIUS_M))
            found = sel.places_near(lat=la, lon=lo, radius_m=radius, category=category, query=q)
            rows = [{"place": n.place, "distance_m": n.distance_m} for n in found]
        except (DomainError, ValueError) as exc:
            errors["point"] = str(exc) if isinstance(exc, DomainError) else _(
                "The radius is a whole number of metres.")
    else:
        rows = [{"place": p} for p in sel.place_search(query=q, category=category,
                                                       commune_code=commune)]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/guide/places.html", {
        "page": page, "q": q, "category": category, "commune": commune, "lat": lat,
        "lon": lon, "radius_m": request.GET.get("radius_m", "2000"), "nearby": nearby,
        "categories": PlaceCategory.choices, "communes": _communes(), "errors": errors,
        "kept": _kept(request), "searched": bool(q or category or commune or nearby),
        "nav": "guide"}, status=400 if errors else 200)


def _feature(place: Any) -> dict[str, Any]:
    return {"name": _name(place), "lat": float(place.lat), "lon": float(place.lon),
            "url": reverse("portal:place", args=[place.pk]),
            "note": str(place.get_category_display())}


def places_map(request: HttpRequest) -> HttpResponse:
    """/dia-diem/ban-do/: every published place (of a category) on a map, and as a list."""
    category = request.GET.get("category", "")
    if category not in PlaceCategory.values:
        category = ""
    found = list(sel.place_search(category=category)[:MAP_LIMIT])
    return render(request, "portal/guide/places_map.html", {
        "places": found, "category": category, "categories": PlaceCategory.choices,
        "map": _map_config([_feature(p) for p in found]), "nav": "guide"})


def place(request: HttpRequest, pk: int) -> HttpResponse:
    found = sel.published_places().prefetch_related("photos").filter(pk=pk).first()
    if found is None:
        raise Http404("No published place has this number.")
    now = timezone.localtime()
    hours = [(day, found.opening_hours.get(day, [])) for day in DAYS]
    upcoming_tet = sorted(d for d in tet_days(now.year) | tet_days(now.year + 1)
                          if d >= now.date())[:1] if found.closed_at_tet else []
    return render(request, "portal/guide/place.html", {
        "place": found, "name": _name(found),
        "description": (found.description_en if _english() else "") or found.description,
        "hours": hours, "has_hours": any(h for _d, h in hours),
        "open_now": is_open(hours=found.opening_hours, closed_at_tet=found.closed_at_tet, at=now),
        "closed_for_tet": closed_for_tet_on(closed_at_tet=found.closed_at_tet, day=now.date()),
        "next_tet": upcoming_tet[0] if upcoming_tet else None,
        "map": _map_config([_feature(found)]), "nav": "guide"})


def place_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    """/dia-diem/<id>/de-nghi-sua/: a business suggests a change; staff review it first."""
    found = sel.published_places().filter(pk=pk).first()
    if found is None:
        raise Http404("No published place has this number.")
    fields = ("phone", "website", "address", "accessibility", "description")
    error, sent = "", False
    if request.method == "POST" and lookup_over_limit(request, scope="guide-report"):
        error = _("Too many sent from this connection: try again in a few minutes.")
    elif request.method == "POST":
        # Only what differs from the page (the form starts from the current values).
        changes = {f: request.POST.get(f, "").strip() for f in fields
                   if request.POST.get(f, "").strip()
                   and request.POST.get(f, "").strip() != str(getattr(found, f) or "")}
        try:
            suggestion_submit(place_id=found.pk, business=request.POST.get("business", ""),
                              contact=request.POST.get("contact", ""), changes=changes,
                              submitted_by=request.user)
            sent = True
        except DomainError as exc:
            error = str(exc)
    return render(request, "portal/guide/place_suggest.html", {
        "place": found, "name": _name(found), "error": error, "sent": sent,
        "values": request.POST if request.method == "POST" and not sent else {},
        "nav": "guide"}, status=400 if error else 200)


def places_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """/dia-diem/xuat.geojson and .csv: every published place, in the form the import reads."""
    found = list(sel.place_search())
    if fmt == "csv":
        response = HttpResponse(places_csv(found), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(json.dumps(places_geojson(found), ensure_ascii=False),
                                content_type="application/geo+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dia-diem.{fmt}"'
    return response


# --------------------------------------------------------------------------- OCOP


def _stars(request: HttpRequest) -> int | None:
    raw = request.GET.get("stars", "")
    return int(raw) if raw in ("3", "4", "5") else None


def ocop(request: HttpRequest) -> HttpResponse:
    """/ocop/: the showcase, filtered by stars, category and commune."""
    stars, category = _stars(request), request.GET.get("category", "")
    commune = request.GET.get("commune", "")[:5]
    if category not in OcopCategory.values:
        category = ""
    q = request.GET.get("q", "").strip()[:200]
    qs = sel.ocop_showcase(stars=stars, category=category, commune_code=commune, query=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    communes = AdministrativeUnit.objects.filter(
        ocop_producers__products__isnull=False).distinct().order_by("name")
    return render(request, "portal/guide/ocop.html", {
        "page": page, "stars": stars, "category": category, "commune": commune, "q": q,
        "categories": OcopCategory.choices, "communes": communes, "kept": _kept(request),
        "nav": "guide"})


def _product_ld(request: HttpRequest, product: OcopProduct) -> dict[str, Any]:
    """schema.org Product (https://schema.org/Product) for search engines and marketplaces."""
    url = request.build_absolute_uri(reverse("portal:ocop_product", args=[product.pk]))
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Product", "name": product.name,
        "url": url, "category": str(product.get_category_display()),
        "description": product.description or product.name,
        "brand": {"@type": "Organization", "name": product.producer.name},
        "award": f"OCOP {product.stars} ★ ({product.decision_number}, "
                 f"{product.decision_date.isoformat()})",
        "additionalProperty": [
            {"@type": "PropertyValue", "name": "OCOP stars", "value": product.stars},
            {"@type": "PropertyValue", "name": "OCOP certificate valid until",
             "value": product.certificate_expires.isoformat()}],
        "image": [request.build_absolute_uri(p.image.url) for p in product.photos.all()],
    }
    if product.price is not None:
        data["offers"] = [{"@type": "Offer", "price": str(product.price), "priceCurrency": "VND",
                           "url": ls.url, "seller": {"@type": "Organization",
                                                     "name": ls.platform}}
                          for ls in product.listings.all()] or {
            "@type": "Offer", "price": str(product.price), "priceCurrency": "VND"}
    return data


def ocop_product(request: HttpRequest, pk: int) -> HttpResponse:
    product = sel.ocop_showcase().prefetch_related("photos").filter(pk=pk).first()
    if product is None:
        raise Http404("No OCOP product in the showcase has this number.")
    return render(request, "portal/guide/ocop_product.html", {
        "product": product, "name": _name(product),
        "ld": _product_ld(request, product), "nav": "guide"})


FEED_COLUMNS = ("id", "name", "category", "stars", "producer", "producer_kind", "commune",
                "price_vnd", "unit", "decision_number", "decision_date", "decision_authority",
                "certificate_expires", "url", "listings")


def _feed_rows(request: HttpRequest) -> list[dict[str, Any]]:
    rows = []
    for p in sel.ocop_showcase():
        rows.append({
            "id": p.pk, "name": p.name, "category": p.category, "stars": p.stars,
            "producer": p.producer.name, "producer_kind": p.producer.kind,
            "commune": p.producer.commune.name, "price_vnd": p.price, "unit": p.unit,
            "decision_number": p.decision_number, "decision_date": p.decision_date,
            "decision_authority": p.decision_authority,
            "certificate_expires": p.certificate_expires,
            "url": request.build_absolute_uri(reverse("portal:ocop_product", args=[p.pk])),
            "listings": [{"platform": ls.platform, "url": ls.url} for ls in p.listings.all()]})
    return rows


def ocop_feed(request: HttpRequest, fmt: str) -> HttpResponse:
    """/ocop/feed.json and /ocop/feed.csv: the showcase for marketplaces to import."""
    rows = _feed_rows(request)
    if fmt == "json":
        return JsonResponse({"generated_at": timezone.now(), "products": rows},
                            encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FEED_COLUMNS)
    writer.writeheader()
    for row in rows:
        row["listings"] = " ".join(ls["url"] for ls in row["listings"])
        writer.writerow(row)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ocop.csv"'
    return response


# --------------------------------------------------------------------------- traffic


def traffic(request: HttpRequest) -> HttpResponse:
    """/giao-thong/: every segment coloured by its status; a stale report says so."""
    statuses = sel.segment_statuses()
    features = [{"name": s.segment.name, "line": s.segment.geometry["coordinates"],
                 "status": s.status, "stale": s.stale,
                 "url": f"#segment-{s.segment.code}",
                 "note": str(dict(CongestionLevel.choices).get(s.status, _("no current report")))}
                for s in statuses]
    return render(request, "portal/guide/traffic.html", {
        "statuses": statuses, "levels": CongestionLevel.choices,
        "map": _map_config(features, lines=True), "nav": "guide"})


def traffic_report(request: HttpRequest) -> HttpResponse:
    """/giao-thong/bao-tin/: a citizen reports flooding or an incident (reviewed first)."""
    error, sent = "", False
    if request.method == "POST" and lookup_over_limit(request, scope="guide-report"):
        error = _("Too many sent from this connection: try again in a few minutes.")
    elif request.method == "POST":
        try:
            citizen_report_submit(
                kind=request.POST.get("kind", ""), lat=request.POST.get("lat", ""),
                lon=request.POST.get("lon", ""), description=request.POST.get("description", ""),
                photo=request.FILES.get("photo"), segment_code=request.POST.get("segment", ""),
                reporter=request.user)
            return redirect(reverse("portal:traffic_report") + "?da-gui=1")
        except DomainError as exc:
            error = str(exc)
    sent = request.GET.get("da-gui") == "1"
    kinds = [(k, label) for k, label in TrafficKind.choices
             if k in (TrafficKind.FLOODING, TrafficKind.INCIDENT)]
    return render(request, "portal/guide/traffic_report.html", {
        "error": error, "sent": sent, "kinds": kinds,
        "segments": [s.segment for s in sel.segment_statuses()],
        "values": request.POST if error else {}, "nav": "guide"},
        status=400 if error else 200)


# --------------------------------------------------------------------------- tax


def tax(request: HttpRequest) -> HttpResponse:
    """/thue/: what the national tax system does, where to go, and paying here by the
    identifier of the amount due through the bills hub (the tax authority as a biller)."""
    from onestop.billing.models import Biller

    tax_billers = list(Biller.objects.filter(kind=Biller.Kind.TAX, is_active=True))
    return render(request, "portal/guide/tax.html", {
        "etax_url": settings.ONESTOP_GUIDE_ETAX_URL,
        "etax_personal_url": settings.ONESTOP_GUIDE_ETAX_PERSONAL_URL,
        "etax_app": settings.ONESTOP_GUIDE_ETAX_APP_NAME, "tax_billers": tax_billers,
        "nav": "guide"})


# --------------------------------------------------------------------------- producers


@citizen_required
def ocop_mine(request: HttpRequest) -> HttpResponse:
    """/ocop/cua-toi/: a producer's own account registers the producer (reviewed by the
    tourism office), then lists its products, their e-commerce links, publishes or hides them."""
    from onestop.guide.models import Producer, ProducerKind
    from onestop.guide.services import ocop as services

    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        post = request.POST
        try:
            if action == "register":
                services.producer_register(
                    name=post.get("name", ""), kind=post.get("kind", ""),
                    commune_code=post.get("commune", ""), address=post.get("address", ""),
                    phone=post.get("phone", ""), tax_code=post.get("tax_code", ""),
                    manager=request.user)
            elif action == "product":
                services.product_create(
                    actor=request.user, producer_id=int(post.get("producer") or 0), data={
                        key: post.get(key, "") for key in (
                            "name", "category", "stars", "decision_number", "decision_date",
                            "decision_authority", "certificate_expires", "price", "unit",
                            "description")})
            elif action == "listing":
                services.listing_add(actor=request.user,
                                     product_id=int(post.get("product") or 0),
                                     platform=post.get("platform", ""), url=post.get("url", ""))
            elif action == "update":
                # Only what the producer typed is changed; the certificate's fields are checked
                # again by the service (an expired one is refused).
                services.product_update(
                    actor=request.user, product_id=int(post.get("product") or 0), changes={
                        key: post[key] for key in (
                            "price", "unit", "description", "decision_number",
                            "decision_date", "decision_authority", "certificate_expires",
                            "stars") if key in post})
            elif action == "photo":
                upload = request.FILES.get("photo")
                if upload is None:
                    raise ValidationFailed(_("Choose a photo to upload."))
                services.product_photo_add(actor=request.user,
                                           product_id=int(post.get("product") or 0),
                                           upload=upload)
            elif action == "state":
                services.product_set_state(actor=request.user,
                                           product_id=int(post.get("product") or 0),
                                           state=post.get("state", ""))
            else:
                raise Http404("Unknown action.")
        except DomainError as exc:
            error = str(exc)
        except ValueError:
            error = _("Choose the producer or the product from the page.")
        else:
            return redirect("portal:ocop_mine")
    producers = list(Producer.objects.filter(manager_id=request.user.pk)
                     .select_related("commune")
                     .prefetch_related("products__listings", "products__photos"))
    return render(request, "portal/guide/ocop_mine.html", {
        "producers": producers, "error": error, "kinds": ProducerKind.choices,
        "categories": OcopCategory.choices, "communes": _communes(),
        "values": request.POST if error else {}, "nav": "guide"},
        status=400 if error else 200)
