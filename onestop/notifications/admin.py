from django.contrib import admin

from .models import Delivery, Notification, Preference, PushSubscription


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "event", "channel", "recipient", "state", "attempts")
    list_filter = ("state", "channel", "event")
    search_fields = ("recipient", "event_key", "dossier__code")
    readonly_fields = [f.name for f in Delivery._meta.fields]


admin.site.register(Notification)
admin.site.register(Preference)
admin.site.register(PushSubscription)
