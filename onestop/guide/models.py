"""The city guide: places to go, OCOP products of the city's producers, and traffic on its roads.

Places are published by the city's tourism office (staff with the `tourism` role); a business
suggests an edit, which staff review before it shows. OCOP (Mỗi xã một sản phẩm) products carry
the decision that certified their stars and its expiry; a producer manages its listings once
approved. Road segments carry an append-only history of status reports (from sources with API
keys, or from citizens after review) and a pointer to the latest one; a report past its
`valid_until` is stale, never current.

Coordinates are decimal degrees (WGS 84) as Decimal with 6 places (about 0.1 m): exact to
store, compare and export, and a float only inside the distance formula.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import AdministrativeUnit


class PublishState(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    HIDDEN = "hidden", _("hidden")


class ReviewState(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


# --------------------------------------------------------------------------- places


class PlaceCategory(models.TextChoices):
    DESTINATION = "destination", _("destination")
    FOOD = "food", _("food and drink")
    HOTEL = "hotel", _("hotel")
    ENTERTAINMENT = "entertainment", _("entertainment")
    SERVICE = "service", _("service")


class PriceRange(models.TextChoices):
    FREE = "free", _("free")
    LOW = "low", _("inexpensive")
    MID = "mid", _("moderate")
    HIGH = "high", _("expensive")


class Place(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=PlaceCategory.choices)
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT,
                                related_name="guide_places", verbose_name=_("commune"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    # The demo's landmarks are placed by hand: their coordinates are approximate, and say so.
    approximate = models.BooleanField(_("approximate coordinates"), default=False)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    # {"mon": [["07:00", "11:00"], ["13:00", "17:00"]], …}; a day absent is closed.
    opening_hours = models.JSONField(_("opening hours"), default=dict, blank=True)
    # Closed on the lunar new year (Tết) days off that the public-holiday calendar knows.
    closed_at_tet = models.BooleanField(_("closed at Tết"), default=False)
    price_range = models.CharField(_("price range"), max_length=8, choices=PriceRange.choices,
                                   blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    accessibility = models.TextField(_("accessibility notes"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=PublishState.choices,
                             default=PublishState.DRAFT)
    # Folded (core.text.fold) for accent- and case-blind search on every database.
    search_name = models.CharField(max_length=401, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    is_demo = models.BooleanField(_("demo data"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [
            models.Index(fields=["state", "lat", "lon"], name="guide_place_state_lat"),
            models.Index(fields=["state", "category"], name="guide_place_state_cat"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(lat__gte=-90) & Q(lat__lte=90)
                                   & Q(lon__gte=-180) & Q(lon__lte=180),
                                   name="guide_place_coordinates"),
        ]

    def __str__(self) -> str:
        return self.name


def _photo_path(instance: models.Model, filename: str) -> str:
    return f"guide/{instance._meta.model_name}/{filename}"


class PlacePhoto(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="photos",
                              verbose_name=_("place"))
    image = models.FileField(_("photo"), upload_to=_photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["place", "order", "id"]
        verbose_name = _("place photo")
        verbose_name_plural = _("place photos")


class PlaceSuggestion(models.Model):
    """An edit (or a new place, when `place` is empty) a business suggested, to be reviewed."""

    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="suggestions", verbose_name=_("place"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("submitted by"))
    business = models.CharField(_("business"), max_length=200)
    contact = models.CharField(_("contact (phone or e-mail)"), max_length=200)
    changes = models.JSONField(_("suggested changes"))
    state = models.CharField(_("state"), max_length=10, choices=ReviewState.choices,
                             default=ReviewState.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suggested edit")
        verbose_name_plural = _("suggested edits")


# --------------------------------------------------------------------------- OCOP


class ProducerKind(models.TextChoices):
    HOUSEHOLD = "household", _("household")
    COOPERATIVE = "cooperative", _("cooperative")
    BUSINESS = "business", _("business")


class Producer(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ProducerKind.choices)
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT,
                                related_name="ocop_producers", verbose_name=_("commune"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    # The producer's own account: manages its listings once the producer is approved.
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="ocop_producers",
                                verbose_name=_("managed by"))
    state = models.CharField(_("state"), max_length=10, choices=ReviewState.choices,
                             default=ReviewState.PENDING)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("OCOP producer")
        verbose_name_plural = _("OCOP producers")

    def __str__(self) -> str:
        return self.name


class OcopCategory(models.TextChoices):
    # The six product groups of the national OCOP programme (Decision 148/QĐ-TTg, 2023).
    FOOD = "food", _("food")
    BEVERAGE = "beverage", _("beverages")
    HERBAL = "herbal", _("herbal products")
    TEXTILE = "textile", _("textiles and garments")
    CRAFT = "craft", _("souvenirs, furniture and decoration")
    TOURISM = "tourism", _("community tourism services")


class OcopProduct(models.Model):
    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="products",
                                 verbose_name=_("producer"))
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=10, choices=OcopCategory.choices)
    stars = models.PositiveSmallIntegerField(_("stars"))
    # The certifying decision: 3 and 4 stars by the province, 5 stars nationally
    # (docs/domain.md §14; the details vary by year, so they are data).
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    decision_authority = models.CharField(_("issued by"), max_length=200)
    certificate_expires = models.DateField(_("certificate valid until"))
    price = models.BigIntegerField(_("price (VND)"), null=True, blank=True)
    unit = models.CharField(_("sold by"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=PublishState.choices,
                             default=PublishState.DRAFT)
    search_name = models.CharField(max_length=401, editable=False, default="")
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-stars", "name", "id"]
        verbose_name = _("OCOP product")
        verbose_name_plural = _("OCOP products")
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=3) & Q(stars__lte=5),
                                   name="guide_ocop_stars_3_to_5"),
            models.CheckConstraint(condition=Q(price__isnull=True) | Q(price__gte=0),
                                   name="guide_ocop_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def certified_on(self, day: object) -> bool:
        return bool(self.decision_date <= day <= self.certificate_expires)  # type: ignore[operator]


class OcopPhoto(models.Model):
    product = models.ForeignKey(OcopProduct, on_delete=models.CASCADE, related_name="photos",
                                verbose_name=_("product"))
    image = models.FileField(_("photo"), upload_to=_photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["product", "order", "id"]
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")


class MarketplaceListing(models.Model):
    product = models.ForeignKey(OcopProduct, on_delete=models.CASCADE, related_name="listings",
                                verbose_name=_("product"))
    platform = models.CharField(_("platform"), max_length=100)
    url = models.URLField(_("link"))

    class Meta:
        ordering = ["product", "platform"]
        verbose_name = _("e-commerce listing")
        verbose_name_plural = _("e-commerce listings")


# --------------------------------------------------------------------------- traffic


class RoadSegment(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("road"), max_length=200)
    from_name = models.CharField(_("from"), max_length=200)
    to_name = models.CharField(_("to"), max_length=200)
    # A GeoJSON LineString geometry ({"type": "LineString", "coordinates": [[lon, lat], …]}).
    geometry = models.JSONField(_("geometry (GeoJSON LineString)"))
    latest_report = models.ForeignKey("TrafficReport", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+",
                                      verbose_name=_("latest report"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["name", "code"]
        verbose_name = _("road segment")
        verbose_name_plural = _("road segments")

    def __str__(self) -> str:
        return f"{self.name} ({self.from_name} – {self.to_name})"


class TrafficSource(models.Model):
    """Who sends status reports by API: the traffic control centre, a camera system, …"""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("traffic report source")
        verbose_name_plural = _("traffic report sources")

    def __str__(self) -> str:
        return self.name


class TrafficApiKey(models.Model):
    """A source's API key: only its SHA-256 is kept, the key is shown once."""

    source = models.ForeignKey(TrafficSource, on_delete=models.CASCADE, related_name="api_keys")
    prefix = models.CharField(_("prefix"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("traffic API key")
        verbose_name_plural = _("traffic API keys")

    def __str__(self) -> str:
        return f"{self.prefix}…"


class TrafficKind(models.TextChoices):
    CONGESTION = "congestion", _("traffic")
    INCIDENT = "incident", _("incident")
    ROADWORKS = "roadworks", _("roadworks")
    FLOODING = "flooding", _("flooding")


class CongestionLevel(models.TextChoices):
    FREE = "free", _("free flowing")
    SLOW = "slow", _("slow")
    CONGESTED = "congested", _("congested")
    BLOCKED = "blocked", _("blocked")


class TrafficReport(models.Model):
    """One status report of a segment: appended, never edited."""

    segment = models.ForeignKey(RoadSegment, on_delete=models.CASCADE, related_name="reports",
                                verbose_name=_("road segment"))
    source = models.ForeignKey(TrafficSource, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="reports", verbose_name=_("source"))
    citizen_report = models.OneToOneField("CitizenReport", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="published",
                                          verbose_name=_("citizen report"))
    kind = models.CharField(_("kind"), max_length=12, choices=TrafficKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=CongestionLevel.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    camera_url = models.URLField(_("camera snapshot"), blank=True)
    reported_at = models.DateTimeField(_("reported at"))
    valid_until = models.DateTimeField(_("valid until"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    # The source's own id for the report: the same id again is the same report.
    external_id = models.CharField(max_length=80, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("traffic report")
        verbose_name_plural = _("traffic reports")
        indexes = [models.Index(fields=["segment", "reported_at"], name="guide_report_segment")]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gt=models.F("reported_at")),
                                   name="guide_report_valid_after_reported"),
            models.UniqueConstraint(fields=["source", "external_id"],
                                    condition=~Q(external_id=""),
                                    name="guide_report_source_external_id"),
        ]

    def is_current(self, now: object) -> bool:
        return bool(self.valid_until > now)  # type: ignore[operator]


class CitizenReport(models.Model):
    """Flooding or an incident a citizen saw, with a photo and a location; shown once reviewed."""

    kind = models.CharField(_("kind"), max_length=12, choices=TrafficKind.choices)
    segment = models.ForeignKey(RoadSegment, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="citizen_reports", verbose_name=_("road segment"))
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    description = models.CharField(_("what you saw"), max_length=500)
    photo = models.FileField(_("photo"), upload_to=_photo_path, blank=True)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("reported by"))
    state = models.CharField(_("state"), max_length=10, choices=ReviewState.choices,
                             default=ReviewState.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("citizen traffic report")
        verbose_name_plural = _("citizen traffic reports")
