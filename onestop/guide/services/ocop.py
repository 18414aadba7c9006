"""OCOP producers and products: producers approved by the tourism office, then managing their
own listings; a product's stars stand on a certifying decision that must be in force."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import AdministrativeUnit
from onestop.core.audit import audit_append
from onestop.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from onestop.core.text import fold

from ..models import (
    MarketplaceListing,
    OcopCategory,
    OcopPhoto,
    OcopProduct,
    Producer,
    ProducerKind,
    PublishState,
    ReviewState,
)
from ..permissions import is_tourism_staff, require_tourism_staff
from ..photos import photo_accept

PRODUCT_FIELDS = ("name", "name_en", "category", "stars", "decision_number", "decision_date",
                  "decision_authority", "certificate_expires", "price", "unit", "description")


class CertificateExpired(ValidationFailed):
    default_message = _("The OCOP certificate expired on %(day)s: a product is listed only "
                        "while its star rating is in force. Enter the decision that renewed it.")


class NotProducerManager(NotAllowed):
    default_message = _("Only the producer's own account, once the producer is approved, or "
                        "the tourism office may change this product.")


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def _day(value: Any, what: str) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValidationFailed(_("The %(what)s is not a date (YYYY-MM-DD)."), what=what) from exc


@transaction.atomic
def producer_register(*, name: str, kind: str, commune_code: str, address: str = "",
                      phone: str = "", tax_code: str = "", manager: Any | None = None,
                      is_demo: bool = False) -> Producer:
    """A producer asks to be listed: waits for the tourism office's approval."""
    if not _text(name, 200):
        raise ValidationFailed(_("Give the producer's name."))
    if kind not in ProducerKind.values:
        raise ValidationFailed(_("Choose a household, a cooperative or a business."))
    commune = AdministrativeUnit.objects.filter(
        code=str(commune_code).strip(), province_code=settings.ONESTOP_PROVINCE_CODE).first()
    if commune is None:
        raise ValidationFailed(_("Unknown commune code %(code)s in this province."),
                               code=commune_code)
    producer = Producer.objects.create(
        name=_text(name, 200), kind=kind, commune=commune, address=_text(address, 300),
        phone=_text(phone, 30), tax_code=_text(tax_code, 14), manager=manager, is_demo=is_demo)
    audit_append(actor=manager, action="guide.producer_register", object_type="guide_producer",
                 object_id=producer.pk, to_state=producer.state)
    return producer


@transaction.atomic
def producer_review(*, actor: Any, producer_id: int, approve: bool) -> Producer:
    require_tourism_staff(actor)
    producer = Producer.objects.select_for_update().filter(pk=producer_id).first()
    if producer is None:
        raise NotFound()
    before = producer.state
    producer.state = ReviewState.APPROVED if approve else ReviewState.REJECTED
    producer.save(update_fields=["state"])
    audit_append(actor=actor, action="guide.producer_review", object_type="guide_producer",
                 object_id=producer.pk, from_state=before, to_state=producer.state)
    return producer


def _may_manage(actor: Any, producer: Producer) -> bool:
    if is_tourism_staff(actor):
        return True
    return bool(getattr(actor, "is_authenticated", False) and producer.manager_id == actor.pk
                and producer.state == ReviewState.APPROVED)


def clean_product_data(data: dict[str, Any], *, today: datetime.date,
                       partial: bool = False, current: OcopProduct | None = None
                       ) -> dict[str, Any]:
    unknown = sorted(set(data) - set(PRODUCT_FIELDS))
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(fields)s."), fields=", ".join(unknown))
    out: dict[str, Any] = {}
    for key, limit in (("name", 200), ("name_en", 200), ("decision_number", 60),
                       ("decision_authority", 200), ("unit", 60)):
        if key in data:
            out[key] = _text(data[key], limit)
    if "description" in data:
        out["description"] = str(data["description"] or "").strip()[:5000]
    for key, message in (("name", _("Give the product's name.")),
                         ("decision_number", _("Give the number of the certifying decision.")),
                         ("decision_authority", _("Say who issued the certifying decision."))):
        if (not partial or key in data) and not out.get(key):
            raise ValidationFailed(message)
    if not partial or "category" in data:
        if data.get("category") not in OcopCategory.values:
            raise ValidationFailed(_("Choose the product's OCOP category."))
        out["category"] = data["category"]
    if not partial or "stars" in data:
        stars = data.get("stars")
        if isinstance(stars, bool) or str(stars).strip() not in ("3", "4", "5"):
            raise ValidationFailed(_("An OCOP product listed here has 3, 4 or 5 stars."))
        out["stars"] = int(str(stars).strip())
    for key, what in (("decision_date", _("decision date")),
                      ("certificate_expires", _("certificate's expiry"))):
        if not partial or key in data:
            out[key] = _day(data.get(key), str(what))
    if "price" in data:
        price = data["price"]
        if price in (None, ""):
            out["price"] = None
        elif isinstance(price, bool) or not str(price).strip().isdigit():
            raise ValidationFailed(_("The price is a whole number of đồng, without signs."))
        else:
            out["price"] = int(str(price).strip())
    decided = out.get("decision_date", current.decision_date if current else None)
    expires = out.get("certificate_expires", current.certificate_expires if current else None)
    if decided and expires:
        if expires <= decided:
            raise ValidationFailed(_("The certificate must expire after the decision's date."))
        if decided > today:
            raise ValidationFailed(_("The decision's date is in the future."))
        if expires < today:
            raise CertificateExpired(day=expires.isoformat())
    return out


def _refold(product: OcopProduct) -> None:
    product.search_name = fold(f"{product.name} {product.name_en}")[:401]


@transaction.atomic
def product_create(*, actor: Any, producer_id: int, data: dict[str, Any],
                   publish: bool = False, is_demo: bool = False) -> OcopProduct:
    producer = Producer.objects.select_for_update().filter(pk=producer_id).first()
    if producer is None:
        raise NotFound()
    if not _may_manage(actor, producer):
        raise NotProducerManager()
    product = OcopProduct(producer=producer, is_demo=is_demo,
                          **clean_product_data(data, today=timezone.localdate()))
    if publish:
        product.state = PublishState.PUBLISHED
    _refold(product)
    product.save()
    audit_append(actor=actor, action="guide.product_create", object_type="guide_product",
                 object_id=product.pk, to_state=product.state,
                 data={"stars": product.stars, "decision": product.decision_number})
    return product


def _locked_product(product_id: int) -> OcopProduct:
    product = (OcopProduct.objects.select_for_update(of=("self",)).select_related("producer")
               .filter(pk=product_id).first())
    if product is None:
        raise NotFound()
    return product


@transaction.atomic
def product_update(*, actor: Any, product_id: int, changes: dict[str, Any]) -> OcopProduct:
    product = _locked_product(product_id)
    if not _may_manage(actor, product.producer):
        raise NotProducerManager()
    clean = clean_product_data(changes, today=timezone.localdate(), partial=True,
                               current=product)
    for key, value in clean.items():
        setattr(product, key, value)
    _refold(product)
    product.save()
    audit_append(actor=actor, action="guide.product_update", object_type="guide_product",
                 object_id=product.pk, data={"fields": sorted(clean)})
    return product


@transaction.atomic
def product_set_state(*, actor: Any, product_id: int, state: str) -> OcopProduct:
    product = _locked_product(product_id)
    if not _may_manage(actor, product.producer):
        raise NotProducerManager()
    if state not in PublishState.values:
        raise ValidationFailed(_("Unknown state."))
    if state == PublishState.PUBLISHED and product.certificate_expires < timezone.localdate():
        raise CertificateExpired(day=product.certificate_expires.isoformat())
    before, product.state = product.state, state
    product.save(update_fields=["state", "updated_at"])
    audit_append(actor=actor, action="guide.product_state", object_type="guide_product",
                 object_id=product.pk, from_state=before, to_state=state)
    return product


@transaction.atomic
def listing_add(*, actor: Any, product_id: int, platform: str, url: str) -> MarketplaceListing:
    product = _locked_product(product_id)
    if not _may_manage(actor, product.producer):
        raise NotProducerManager()
    platform = _text(platform, 100)
    if not platform:
        raise ValidationFailed(_("Name the e-commerce platform."))
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError as exc:
        raise ValidationFailed(_("The link is not a web address (http:// or https://).")
                               ) from exc
    if product.listings.filter(platform=platform).exists():
        raise Conflict(_("This product already has a link on %(platform)s."), platform=platform)
    listing = MarketplaceListing.objects.create(product=product, platform=platform, url=url)
    audit_append(actor=actor, action="guide.listing_add", object_type="guide_product",
                 object_id=product.pk, data={"platform": platform, "url": url})
    return listing


@transaction.atomic
def product_photo_add(*, actor: Any, product_id: int, upload: Any) -> OcopPhoto:
    product = _locked_product(product_id)
    if not _may_manage(actor, product.producer):
        raise NotProducerManager()
    photo = photo_accept(upload)
    row = OcopPhoto(product=product, width=photo.width, height=photo.height,
                    order=product.photos.count())
    row.image.save(photo.content.name or "anh.jpg", photo.content, save=False)
    row.save()
    audit_append(actor=actor, action="guide.product_photo", object_type="guide_product",
                 object_id=product.pk, data={"photo": row.pk})
    return row
