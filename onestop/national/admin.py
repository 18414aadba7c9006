from django.contrib import admin

from .models import NationalAccount, ProcedureMapping, StatusMapping, SyncAnswer, SyncItem


@admin.register(StatusMapping)
class StatusMappingAdmin(admin.ModelAdmin):
    list_display = ["status", "national_code"]
    list_editable = ["national_code"]


@admin.register(ProcedureMapping)
class ProcedureMappingAdmin(admin.ModelAdmin):
    list_display = ["procedure", "national_code", "national_name", "field_code", "field_name"]
    search_fields = ["procedure__code", "national_code", "national_name"]
    autocomplete_fields = ["procedure"]


class SyncAnswerInline(admin.TabularInline):
    model = SyncAnswer
    extra = 0
    can_delete = False
    readonly_fields = ["operation", "ok", "error", "request", "answer", "at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(SyncItem)
class SyncItemAdmin(admin.ModelAdmin):
    list_display = ["id", "dossier", "action", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state"]
    search_fields = ["dossier__code"]
    readonly_fields = [f.name for f in SyncItem._meta.fields]
    inlines = [SyncAnswerInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(NationalAccount)
class NationalAccountAdmin(admin.ModelAdmin):
    """Who signed in with the national account (read-only: made by the sign-in)."""

    list_display = ["technical_id", "kind", "user", "business", "last_sign_in_at"]
    list_filter = ["kind"]
    search_fields = ["technical_id", "identification_number", "tax_code", "user__full_name"]
    readonly_fields = [f.name for f in NationalAccount._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
