"""Places: created, edited, published and hidden by the tourism office; edits suggested by
businesses and applied only once staff approve them; photos through the one upload check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import AdministrativeUnit
from onestop.core.audit import audit_append
from onestop.core.errors import Conflict, NotFound, ValidationFailed
from onestop.core.text import fold

from ..geo import check_in_province
from ..hours import parse_hours
from ..models import (
    Place,
    PlaceCategory,
    PlacePhoto,
    PlaceSuggestion,
    PriceRange,
    PublishState,
    ReviewState,
)
from ..permissions import require_tourism_staff
from ..photos import photo_accept

# The fields a place's data may carry (a suggestion may carry any subset of them).
FIELDS = ("name", "name_en", "category", "commune_code", "address", "lat", "lon", "approximate",
          "description", "description_en", "opening_hours", "closed_at_tet", "price_range",
          "phone", "website", "accessibility")
_TEXT_LIMITS = {"name": 200, "name_en": 200, "address": 300, "phone": 30, "website": 200,
                "description": 5000, "description_en": 5000, "accessibility": 2000}


class PlaceConflict(Conflict):
    default_message = _("Someone else changed this place a moment ago. Reload it and try again.")


@dataclass(frozen=True)
class PhotoAdded:
    photo: PlacePhoto


def _commune(code: str) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(
        code=str(code).strip(), province_code=settings.ONESTOP_PROVINCE_CODE).first()
    if unit is None:
        raise ValidationFailed(_("Unknown commune code %(code)s in this province."), code=code)
    return unit


def clean_place_data(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """The model's field values from a place's data; ValidationFailed naming the first fault."""
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(fields)s."), fields=", ".join(unknown))
    out: dict[str, Any] = {}
    for key, limit in _TEXT_LIMITS.items():
        if key in data:
            value = " ".join(str(data[key] or "").split()) if key not in (
                "description", "description_en", "accessibility") else str(data[key] or "").strip()
            if len(value) > limit:
                raise ValidationFailed(_("%(field)s is longer than %(max)s characters."),
                                       field=key, max=limit)
            out[key] = value
    if not partial or "name" in data:
        if not out.get("name"):
            raise ValidationFailed(_("Give the place's name."))
    if not partial or "category" in data:
        if data.get("category") not in PlaceCategory.values:
            raise ValidationFailed(_("Choose the place's category."))
        out["category"] = data["category"]
    if not partial or "commune_code" in data:
        out["commune"] = _commune(str(data.get("commune_code") or ""))
    if not partial or "lat" in data or "lon" in data:
        if "lat" not in data or "lon" not in data:
            raise ValidationFailed(_("Give both the latitude and the longitude."))
        out["lat"], out["lon"] = check_in_province(data["lat"], data["lon"])
    if "price_range" in data:
        if data["price_range"] not in ("", None, *PriceRange.values):
            raise ValidationFailed(_("Unknown price range."))
        out["price_range"] = data["price_range"] or ""
    if out.get("website"):
        try:
            URLValidator(schemes=["http", "https"])(out["website"])
        except ValidationError as exc:
            raise ValidationFailed(_("The website is not a web address (http:// or https://)."
                                     )) from exc
    if "opening_hours" in data:
        out["opening_hours"] = parse_hours(data["opening_hours"])
    for flag in ("approximate", "closed_at_tet"):
        if flag in data:
            out[flag] = bool(data[flag])
    return out


def _refold(place: Place) -> None:
    place.search_name = fold(f"{place.name} {place.name_en}")[:401]
    place.search_text = fold(" ".join([place.address, place.commune.name, place.description,
                                       place.description_en, str(place.get_category_display())]))


def _snapshot(place: Place) -> dict[str, Any]:
    return {"name": place.name, "category": place.category, "commune": place.commune_id,
            "lat": str(place.lat), "lon": str(place.lon), "state": place.state}


def _locked(place_id: int) -> Place:
    place = (Place.objects.select_for_update(of=("self",)).select_related("commune")
             .filter(pk=place_id).first())
    if place is None:
        raise NotFound()
    return place


@transaction.atomic
def place_create(*, actor: Any, data: dict[str, Any], publish: bool = False,
                 is_demo: bool = False) -> Place:
    require_tourism_staff(actor)
    place = Place(**clean_place_data(data), is_demo=is_demo)
    if publish:
        place.state, place.published_at = PublishState.PUBLISHED, timezone.now()
    _refold(place)
    place.save()
    audit_append(actor=actor, action="guide.place_create", object_type="guide_place",
                 object_id=place.pk, to_state=place.state, data=_snapshot(place))
    return place


def _apply(place: Place, clean: dict[str, Any]) -> None:
    for key, value in clean.items():
        setattr(place, key, value)
    _refold(place)
    place.version += 1


@transaction.atomic
def place_update(*, actor: Any, place_id: int, changes: dict[str, Any],
                 expected_version: int | None = None) -> Place:
    require_tourism_staff(actor)
    place = _locked(place_id)
    if expected_version is not None and expected_version != place.version:
        raise PlaceConflict()
    before = _snapshot(place)
    _apply(place, clean_place_data(changes, partial=True))
    place.save()
    audit_append(actor=actor, action="guide.place_update", object_type="guide_place",
                 object_id=place.pk, data={"before": before, "after": _snapshot(place)})
    return place


@transaction.atomic
def place_set_state(*, actor: Any, place_id: int, state: str) -> Place:
    """Publish or hide a place (or put it back to draft)."""
    require_tourism_staff(actor)
    if state not in PublishState.values:
        raise ValidationFailed(_("Unknown state."))
    place = _locked(place_id)
    before = place.state
    place.state = state
    if state == PublishState.PUBLISHED and place.published_at is None:
        place.published_at = timezone.now()
    place.save(update_fields=["state", "published_at", "updated_at"])
    audit_append(actor=actor, action="guide.place_state", object_type="guide_place",
                 object_id=place.pk, from_state=before, to_state=state)
    return place


@transaction.atomic
def place_photo_add(*, actor: Any, place_id: int, upload: Any, caption: str = "") -> PlacePhoto:
    require_tourism_staff(actor)
    place = _locked(place_id)
    photo = photo_accept(upload)
    row = PlacePhoto(place=place, width=photo.width, height=photo.height,
                     caption=" ".join(caption.split())[:200], order=place.photos.count())
    row.image.save(photo.content.name or "anh.jpg", photo.content, save=False)
    row.save()
    audit_append(actor=actor, action="guide.place_photo", object_type="guide_place",
                 object_id=place.pk, data={"photo": row.pk, "width": row.width,
                                           "height": row.height})
    return row


# --------------------------------------------------------------------------- suggestions


@transaction.atomic
def suggestion_submit(*, business: str, contact: str, changes: dict[str, Any],
                      place_id: int | None = None, submitted_by: Any | None = None
                      ) -> PlaceSuggestion:
    """A business's suggested edit (or a new place): checked now, applied only on approval."""
    business, contact = " ".join(business.split())[:200], " ".join(contact.split())[:200]
    if not business or not contact:
        raise ValidationFailed(_("Give the business's name and a phone or e-mail to reach it."))
    if not changes:
        raise ValidationFailed(_("Say what should change."))
    place = None
    if place_id is not None:
        place = Place.objects.filter(pk=place_id, state=PublishState.PUBLISHED).first()
        if place is None:
            raise NotFound()
    clean_place_data(changes, partial=place is not None)  # refused now, not at review
    user = submitted_by if getattr(submitted_by, "is_authenticated", False) else None
    suggestion = PlaceSuggestion.objects.create(
        place=place, business=business, contact=contact, changes=changes, submitted_by=user)
    audit_append(actor=user, action="guide.suggestion_submit", object_type="guide_suggestion",
                 object_id=suggestion.pk, to_state=ReviewState.PENDING,
                 data={"place": place_id, "fields": sorted(changes)})
    return suggestion


@transaction.atomic
def suggestion_review(*, actor: Any, suggestion_id: int, approve: bool, note: str = ""
                      ) -> PlaceSuggestion:
    """Approve (the edit is applied and the place published) or reject a suggestion."""
    require_tourism_staff(actor)
    suggestion = PlaceSuggestion.objects.select_for_update().filter(pk=suggestion_id).first()
    if suggestion is None:
        raise NotFound()
    if suggestion.state != ReviewState.PENDING:
        raise Conflict(_("This suggestion was already reviewed."))
    if approve:
        if suggestion.place_id is None:
            place = Place(**clean_place_data(suggestion.changes), state=PublishState.PUBLISHED,
                          published_at=timezone.now())
            _refold(place)
            place.save()
            suggestion.place = place
        else:
            place = _locked(suggestion.place_id)
            _apply(place, clean_place_data(suggestion.changes, partial=True))
            place.save()
        audit_append(actor=actor, action="guide.place_update", object_type="guide_place",
                     object_id=place.pk, data={"suggestion": suggestion.pk,
                                               "after": _snapshot(place)})
    suggestion.state = ReviewState.APPROVED if approve else ReviewState.REJECTED
    suggestion.reviewed_by, suggestion.reviewed_at = actor, timezone.now()
    suggestion.review_note = " ".join(note.split())[:500]
    suggestion.save()
    audit_append(actor=actor, action="guide.suggestion_review", object_type="guide_suggestion",
                 object_id=suggestion.pk, from_state=ReviewState.PENDING,
                 to_state=suggestion.state, reason=suggestion.review_note)
    return suggestion
