from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "onestop.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from onestop.core.scheduler import register_periodic_job

        from .tasks import deliver_due_task

        # Notifications a crashed worker left half-sent (lease expired) or whose task was
        # lost are delivered again; each row is claimed first, so this never sends twice.
        register_periodic_job("notifications_catch_up", every="ONESTOP_NOTIFY_CATCHUP_INTERVAL",
                              task=deliver_due_task)
