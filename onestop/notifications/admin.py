from django.contrib import admin

from .models import (
    Delivery,
    Notification,
    Preference,
    PushSubscription,
    ZaloCallback,
    ZaloConsent,
    ZaloTemplate,
)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "event", "channel", "recipient", "state", "attempts")
    list_filter = ("state", "channel", "event")
    search_fields = ("recipient", "event_key", "dossier__code")
    readonly_fields = [f.name for f in Delivery._meta.fields]


admin.site.register(Notification)
admin.site.register(Preference)
admin.site.register(PushSubscription)


@admin.register(ZaloTemplate)
class ZaloTemplateAdmin(admin.ModelAdmin):
    """The city edits its ZNS templates here: id and parameter mapping per event and language."""

    list_display = ("event", "language", "template_id", "active")
    list_filter = ("active", "language")


@admin.register(ZaloConsent)
class ZaloConsentAdmin(admin.ModelAdmin):
    list_display = ("user", "phone", "agreed_at", "withdrawn_at")
    readonly_fields = ("user", "phone", "agreed_at", "withdrawn_at")  # a record, not a setting


@admin.register(ZaloCallback)
class ZaloCallbackAdmin(admin.ModelAdmin):
    list_display = ("received_at", "outcome", "event_name", "msg_id", "reason")
    list_filter = ("outcome",)
    readonly_fields = [f.name for f in ZaloCallback._meta.fields]
