"""Django admin of the city guide, for superusers: read and correct rows; the tourism office
works in the back office (/backoffice/cam-nang/), where every change goes through a service.
States and reviews here also go through the services (the actions below), never a bare save."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import DomainError

from .models import (
    CitizenReport,
    MarketplaceListing,
    OcopProduct,
    Place,
    PlaceSuggestion,
    Producer,
    RoadSegment,
    TrafficReport,
    TrafficSource,
)
from .services import places


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "commune", "state", "approximate", "is_demo")
    list_filter = ("state", "category", "is_demo")
    search_fields = ("name", "name_en", "search_name")
    readonly_fields = ("state", "search_name", "search_text", "version", "published_at")
    actions = ["publish", "hide"]

    def _state(self, request: HttpRequest, queryset: QuerySet[Place], state: str) -> None:
        for place in queryset:
            try:
                places.place_set_state(actor=request.user, place_id=place.pk, state=state)
            except DomainError as exc:
                self.message_user(request, str(exc), messages.ERROR)

    @admin.action(description=_("Publish"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Place]) -> None:
        self._state(request, queryset, "published")

    @admin.action(description=_("Hide"))
    def hide(self, request: HttpRequest, queryset: QuerySet[Place]) -> None:
        self._state(request, queryset, "hidden")


@admin.register(PlaceSuggestion)
class PlaceSuggestionAdmin(admin.ModelAdmin):
    list_display = ("business", "place", "state", "created_at")
    list_filter = ("state",)
    readonly_fields = ("state", "reviewed_by", "reviewed_at")


class ListingInline(admin.TabularInline):
    model = MarketplaceListing
    extra = 0


@admin.register(OcopProduct)
class OcopProductAdmin(admin.ModelAdmin):
    list_display = ("name", "stars", "producer", "certificate_expires", "state", "is_demo")
    list_filter = ("stars", "category", "state")
    search_fields = ("name", "search_name", "decision_number")
    readonly_fields = ("state", "search_name")
    inlines = [ListingInline]


@admin.register(Producer)
class ProducerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "commune", "state", "is_demo")
    list_filter = ("state", "kind")
    readonly_fields = ("state",)


@admin.register(RoadSegment)
class RoadSegmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "from_name", "to_name", "latest_report")
    readonly_fields = ("latest_report",)


@admin.register(TrafficSource)
class TrafficSourceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_active", "is_demo")


@admin.register(TrafficReport)
class TrafficReportAdmin(admin.ModelAdmin):
    list_display = ("segment", "kind", "level", "reported_at", "valid_until", "source")
    list_filter = ("kind", "level")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # reports are appended, never edited


@admin.register(CitizenReport)
class CitizenReportAdmin(admin.ModelAdmin):
    list_display = ("kind", "segment", "state", "created_at")
    list_filter = ("state", "kind")
    readonly_fields = ("state", "reviewed_by", "reviewed_at")
