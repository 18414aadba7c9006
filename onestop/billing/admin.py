from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Bill, Biller, BillerApiKey, BillerCallback


class ApiKeyInline(admin.TabularInline):
    model = BillerApiKey
    extra = 0
    fields = ("prefix", "created_at", "revoked_at")
    readonly_fields = ("prefix", "created_at")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # keys are made by the action below, which shows the key once


@admin.register(Biller)
class BillerAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "agency", "is_active")
    list_filter = ("kind", "is_active")
    inlines = [ApiKeyInline]
    actions = ["create_api_key"]

    def save_model(self, request: HttpRequest, obj: Biller, form: object, change: bool) -> None:
        if not obj.callback_secret:
            import secrets

            obj.callback_secret = secrets.token_hex(32)
        super().save_model(request, obj, form, change)
        if not change:
            key = services.api_key_create(biller=obj)
            messages.warning(request, _("API key of %(biller)s (shown once, copy it now): "
                                        "%(key)s") % {"biller": obj.code, "key": key})

    @admin.action(description=_("Create a new API key (shown once)"))
    def create_api_key(self, request: HttpRequest, queryset: QuerySet[Biller]) -> None:
        for biller in queryset:
            key = services.api_key_create(biller=biller)
            messages.warning(request, _("API key of %(biller)s (shown once, copy it now): "
                                        "%(key)s") % {"biller": biller.code, "key": key})


@admin.register(Bill)
class BillAdmin(admin.ModelAdmin):
    list_display = ("number", "biller", "customer_code", "period", "amount", "due_date", "state")
    list_filter = ("biller", "state")
    search_fields = ("number", "customer_code")
    readonly_fields = ("fee_item", "paid_by")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # bills change through imports and payments only


@admin.register(BillerCallback)
class BillerCallbackAdmin(admin.ModelAdmin):
    list_display = ("bill", "payment", "state", "attempts", "next_attempt_at", "last_error")
    list_filter = ("state", "biller")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
