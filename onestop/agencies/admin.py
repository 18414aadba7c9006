from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import AdministrativeUnit, Agency, Membership
from .selectors import agencies_with_role


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "province_code")
    list_filter = ("kind",)
    search_fields = ("code", "name")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "unit", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "name_en")
    autocomplete_fields = ("parent", "unit")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "role")
    list_filter = ("role", "agency")
    autocomplete_fields = ("user",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        qs = super().get_queryset(request).select_related("user", "agency")
        if request.user.is_superuser:
            return qs
        # An agency admin manages the staff of their own agencies only.
        return qs.filter(agency_id__in=agencies_with_role(user=request.user, role="admin"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "agency" and not request.user.is_superuser:
            kwargs["queryset"] = Agency.objects.filter(
                id__in=agencies_with_role(user=request.user, role="admin")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
