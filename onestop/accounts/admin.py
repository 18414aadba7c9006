from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Business, Lockout, User
from .throttle import lockout_lift


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Citizen details"), {"fields": ("full_name", "phone", "cccd")}),
    )
    list_display = ("username", "full_name", "email", "phone", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email", "phone", "cccd")


@admin.register(Lockout)
class LockoutAdmin(admin.ModelAdmin):
    """Lock-outs of sign-in, password reset and sign-up (accounts.throttle). Read-only: the
    one thing to do with one is to lift it (an audit event records who did)."""

    list_display = ("label", "scope", "by", "attempts", "locked_at", "until", "active",
                    "lifted_at", "lifted_by")
    list_filter = ("scope", "by")
    search_fields = ("label",)
    readonly_fields = ("scope", "by", "key", "label", "attempts", "locked_at", "until",
                       "lifted_at", "lifted_by")
    actions = ["lift"]

    @admin.display(boolean=True, description=_("in force"))
    def active(self, obj: Lockout) -> bool:
        return obj.is_active(timezone.now())

    @admin.action(permissions=["change"], description=_("Lift the selected lock-outs"))
    def lift(self, request: HttpRequest, queryset: QuerySet[Lockout]) -> None:
        lifted = sum(lockout_lift(lockout_id=pk, actor=request.user)
                     for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, ngettext("%(count)d lock-out lifted.",
                                            "%(count)d lock-outs lifted.", lifted)
                          % {"count": lifted}, messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    """Businesses citizens file for (accounts.businesses). Read-only: the holder registers and
    removes them; staff look one up by its tax code."""

    list_display = ("name", "tax_code", "representative", "holder", "account", "created_at",
                    "removed_at")
    list_filter = ("holder",)
    search_fields = ("name", "tax_code", "representative")
    readonly_fields = ("account", "name", "tax_code", "head_office", "representative", "holder",
                       "authorisation", "phone", "email", "created_at", "removed_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
