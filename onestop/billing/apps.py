from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "onestop.billing"
    label = "billing"
    verbose_name = _("Bills hub")

    def ready(self) -> None:
        # The biller's callback row is written inside the payments core's settle transaction.
        from onestop.core.scheduler import register_periodic_job
        from onestop.payments import hooks

        from .services import lock_for_payment, on_payment_settled
        from .tasks import biller_callback_sweep_task

        # The bill is locked before its payment (docs/lock-order.md).
        hooks.register_lock_hook(lock_for_payment)
        hooks.register_settle_hook(on_payment_settled)
        # Biller callbacks due for a (re)try after their back-off.
        register_periodic_job("biller_callbacks", every=60, task=biller_callback_sweep_task)
