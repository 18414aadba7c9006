"""Admin: the rating criteria are edited here; ratings and feedback are read-only records.

Feedback changes state only through the back-office pages (services with audit events), so
the admin shows it without edit rights.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Feedback, Rating, RatingCriterion, RatingScore


@admin.register(RatingCriterion)
class RatingCriterionAdmin(admin.ModelAdmin):
    list_display = ("order", "code", "name", "name_en", "active")
    list_display_links = ("code",)
    list_editable = ("order", "active")
    search_fields = ("code", "name", "name_en")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Scores refer to criteria: retire a criterion by unticking "active" instead.
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RatingScoreInline(admin.TabularInline):
    model = RatingScore
    extra = 0
    can_delete = False
    readonly_fields = ("criterion", "score")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "citizen", "created_at")
    search_fields = ("dossier__code",)
    inlines = [RatingScoreInline]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("code", "subject", "agency", "state", "received_at", "deadline_at",
                    "answered_at")
    list_filter = ("state", "agency")
    search_fields = ("code", "subject")
