from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "onestop.billing"
    label = "billing"
    verbose_name = _("Bills hub")

    def ready(self) -> None:
        # The biller's callback row is written inside the payments core's settle transaction.
        from onestop.core.scheduler import register_periodic_job
        from onestop.payments.services import register_settle_hook

        from .services import on_payment_settled
        from .tasks import biller_callback_sweep_task

        register_settle_hook(on_payment_settled)
        # Biller callbacks due for a (re)try after their back-off.
        register_periodic_job("biller_callbacks", every=60, task=biller_callback_sweep_task)
