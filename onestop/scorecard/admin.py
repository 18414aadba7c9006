"""Admin: the frameworks' points, thresholds and weights are edited here (they are data);
values, targets and roll-ups are shown read-only (they are written by the services and the
roll-up job, which audit every change)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    DailyRollup,
    DtiFramework,
    DtiSubIndex,
    DtiUnit,
    DtiValue,
    Framework,
    FrameworkGroup,
    IndicatorDefinition,
    ManualValue,
    Target,
    TargetProgress,
)


class GroupInline(admin.TabularInline):
    model = FrameworkGroup
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = IndicatorDefinition
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "valid_from", "is_default"]
    inlines = [GroupInline, IndicatorInline]


class SubIndexInline(admin.TabularInline):
    model = DtiSubIndex
    extra = 0


@admin.register(DtiFramework)
class DtiFrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_default"]
    inlines = [SubIndexInline]


@admin.register(DtiUnit)
class DtiUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "agency", "is_city"]
    search_fields = ["code", "name"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DtiValue)
class DtiValueAdmin(ReadOnly):
    list_display = ["unit", "year", "subindex", "value", "source", "provenance"]
    list_filter = ["year", "source"]


@admin.register(ManualValue)
class ManualValueAdmin(ReadOnly):
    list_display = ["indicator_code", "agency", "period_start", "period_end", "numerator",
                    "denominator", "entered_by", "entered_at"]


@admin.register(Target)
class TargetAdmin(ReadOnly):
    list_display = ["indicator_code", "agency", "target_value", "due_date", "behind_since"]


@admin.register(TargetProgress)
class TargetProgressAdmin(ReadOnly):
    list_display = ["target", "on", "value"]


@admin.register(DailyRollup)
class DailyRollupAdmin(ReadOnly):
    list_display = ["day", "centre_id", "agency_id", "procedure_id", "received", "finished",
                    "finished_on_time"]
    list_filter = ["day"]
